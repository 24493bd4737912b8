#!/usr/bin/env python3
"""Checks the upstream commits a series cites against kernel-patch/upstream-commits.

  check-commit-refs.py LIST PATCH...

Every 'commit <id> ("<subject>")' and 'Fixes: <id> ("<subject>")' in a
patch's commit message (the subject may wrap over lines) must name a
commit of LIST by 12 or more characters of its id, with its subject
exactly; a bare 'commit <id>' is refused too. Prints one line per
problem and exits 1 if there is any; prints the references checked.
"""
import re
import sys


def main():
    known = {}
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cid, subject = line.rstrip('\n').split(' ', 1)
            known[cid] = subject
    bad = checked = 0
    for path in sys.argv[2:]:
        text = open(path).read()
        msg = text.split('\n---\n', 1)[0]
        body = msg.split('\n\n', 1)[1] if '\n\n' in msg else ''
        flat = ' '.join(body.split())
        for m in re.finditer(r'\b(?:commit|Fixes:)\s+([0-9a-f]{6,40})\b(\s*\("(.*?)"\))?', flat):
            cid, subject = m.group(1), m.group(3)
            full = [k for k in known if k.startswith(cid)]
            checked += 1
            name = path.rsplit('/', 1)[-1]
            if len(cid) < 12:
                print(f'{name}: {cid}: use 12 or more characters of the id')
                bad += 1
            elif len(full) != 1:
                print(f'{name}: {cid}: not in {sys.argv[1]}')
                bad += 1
            elif subject is None:
                print(f'{name}: {cid}: give its subject: commit {cid} ("{known[full[0]]}")')
                bad += 1
            elif subject != known[full[0]]:
                print(f'{name}: {cid}: subject "{subject}" is not "{known[full[0]]}"')
                bad += 1
    print(f'{checked} upstream commit references checked, {bad} wrong')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
