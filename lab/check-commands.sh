#!/bin/bash
# Every program the lab's scripts call must be on a fresh machine once
# `make deps` has run: owned by a package deps.sh installs or by one every
# Debian system has (Essential, or Priority required), or, in the guest's
# init (busybox sh before the chroot), a busybox applet. A command found only
# because this machine happens to have it (a developer image's extra
# packages, /usr/local, ~/.pyenv) fails here, naming the script and package.
#
#   check-commands.sh [SCRIPT...]   default: every shell script of the lab
#
# Scripts are parsed with shfmt (a real shell parser), so commands inside
# jq programs, heredocs and strings are never mistaken for calls. Prints one
# line per command and ends with "commands: N resolved, N missing".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
command -v shfmt >/dev/null || { echo "check-commands: shfmt is missing (run 'make deps')" >&2; exit 2; }

if [ $# -eq 0 ]; then
	mapfile -t scripts < <(git ls-files 'scenarios/*.sh' 'lab/*.sh' 'lab/init' 'tests/*.sh' \
		'.ci/run' 2>/dev/null)
else
	scripts=("$@")
fi
deps=$(find "$top" -path "$top/build" -prune -o -name deps.sh -print | head -1)
[ -n "$deps" ] || { echo "check-commands: no deps.sh" >&2; exit 2; }
# deps.sh's packages and everything they depend on, as installed here
declare -A wanted=()
# shellcheck disable=SC2046
for p in $(apt-cache depends --recurse --installed --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances $("$deps" --list) 2>/dev/null |
	sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: <\{0,1\}\([^>]*\)>\{0,1\}$/\2/p; /^[a-z0-9]/p'); do
	wanted[${p%%:*}]=1
done

# A fresh machine's PATH: nothing from /usr/local or a user's home.
SYS_PATH=/usr/sbin:/usr/bin:/sbin:/bin
applets=" $(/bin/busybox --list 2>/dev/null | tr '\n' ' ') "

# Words that are not programs: shell keywords and builtins, and every
# function the lab's scripts define (collected from the same parse).
builtins=" . : [ [[ alias bg bind break builtin caller cd command compgen complete continue declare
dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let
local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source
suspend test times trap true type typeset ulimit umask unalias unset wait "

# The JSON AST of one script: each call's words, literal words as strings,
# others as null; and the functions it defines.
calls_of() {
	shfmt --to-json <"$1" | jq -r '
		def lit: if (.Parts | all(.Type == "Lit" or .Type == "SglQuoted"))
			then (.Parts | map(.Value) | join("") |
			      if test("[\\n\u0001]") then null else . end)
			else null end;
		[.. | objects | select(.Type == "CallExpr") | [.Args[]? | lit]] |
		.[] | select(length > 0) | map(. // "\u0000") | join("\u0001")'
}
funcs_of() {
	shfmt --to-json <"$1" | jq -r '.. | objects | select(.Type == "FuncDecl") | .Name.Value'
}

# wrapped COMMAND ARGS...: the program a wrapper runs (timeout 5 cmd, exec
# cmd, xargs -0 cmd, chroot DIR cmd ...), or the command itself.
wrapped() {
	local w=${1-}
	[ $# -gt 0 ] && shift
	case $w in
	timeout | exec | nohup | setsid | xargs | env | nice | stdbuf | time | command | flock | taskset | chroot)
		local skip=0
		case $w in timeout | flock | taskset | chroot) skip=1 ;; esac
		while [ $# -gt 0 ]; do
			case ${1-} in
			$'\0')
				# not a literal word: a wrapper's own argument
				# (timeout "$t" cmd) is skipped, a command cannot be told
				[ $skip -gt 0 ] || return
				;;
			-*) shift; continue ;;
			*=*) [ "$w" = env ] && { shift; continue; } ;;
			[0-9]*'>'* | [0-9]*'<'*) shift; continue ;;
			esac
			if [ $skip -gt 0 ]; then skip=$((skip - 1)); shift; continue; fi
			wrapped "$@"
			return
		done
		[ "$w" = exec ] || [ "$w" = command ] || echo "$w"
		;;
	*) echo "$w" ;;
	esac
}

declare -A defined=() seen=()
for s in "${scripts[@]}"; do
	while read -r f; do defined[$f]=1; done < <(funcs_of "$s")
done

resolved=0 missing=0
for s in "${scripts[@]}"; do
	# a script the parser cannot read would have its commands go unchecked
	if ! err=$(shfmt --to-json <"$s" 2>&1 >/dev/null); then
		echo "MISSING (unparsed) $s: $err"
		missing=$((missing + 1))
		continue
	fi
	guest_init=0
	head -1 "$s" | grep -q busybox && guest_init=1
	while IFS=$'\001' read -r -a words; do
		prog=$(wrapped "${words[@]}")
		case $prog in '' | $'\0' | */* | *'$'* | *=*) continue ;; esac
		[ -n "${defined[$prog]:-}" ] && continue
		case "$builtins" in *" $prog "*) continue ;; esac
		key="$guest_init/$prog"
		[ -n "${seen[$key]:-}" ] && continue
		seen[$key]=1
		if [ $guest_init = 1 ]; then
			case "$applets" in
			*" $prog "*) resolved=$((resolved + 1)) ;;
			*) echo "MISSING $prog ($s): not a busybox applet"; missing=$((missing + 1)) ;;
			esac
			continue
		fi
		path=$(PATH=$SYS_PATH command -v "$prog") || {
			echo "MISSING $prog ($s): not on $SYS_PATH"
			missing=$((missing + 1))
			continue
		}
		real=$(readlink -f "$path")
		# merged /usr: dpkg may know the file as /bin/X rather than /usr/bin/X
		pkg=
		for f in "$real" "${real#/usr}" "$path" "${path#/usr}"; do
			pkg=$(dpkg-query -S "$f" 2>/dev/null) && break
		done
		pkg=${pkg%%:*}
		pkg=${pkg%%,*}
		if [ -z "$pkg" ]; then
			echo "MISSING $prog ($s): $real belongs to no package"
			missing=$((missing + 1))
			continue
		fi
		why=
		if [ -n "${wanted[$pkg]:-}" ]; then
			why="deps.sh (or what it depends on)"
		else
			read -r prio ess < <(dpkg-query -W -f='${Priority} ${Essential}\n' "$pkg" 2>/dev/null)
			{ [ "$prio" = required ] || [ "$ess" = yes ]; } && why="every system ($prio)"
		fi
		if [ -z "$why" ]; then
			echo "MISSING $prog ($s): package $pkg is neither installed by deps.sh nor on every system"
			missing=$((missing + 1))
			continue
		fi
		echo "ok $prog: $pkg, $why"
		resolved=$((resolved + 1))
	done < <(calls_of "$s")
done
echo "commands: $resolved resolved, $missing missing"
[ $missing -eq 0 ]
