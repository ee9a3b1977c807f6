# Bash completion for bo-run, bo-gp and bo-study.
#
# Installed as share/bash-completion/completions/{bo-run,bo-gp,bo-study}
# (bash-completion loads a command's file by the command's name); or source
# it from ~/.bashrc. Self-contained: only bash's own compgen and compopt, so
# it works without the bash-completion package too. Keep the option lists
# in step with the programs' --help texts (tests/test_man_completion.sh
# checks them against each other).

# Files matching one of the extensions (without the dot), plus directories
# to descend into.
_bo_complete_files()
{
    local cur=$1 ext
    shift
    local IFS=$'\n'
    local -a found=()
    local f
    for f in $(compgen -f -- "$cur"); do
        if [[ -d $f ]]; then
            found+=("$f")
            continue
        fi
        for ext in "$@"; do
            if [[ $f == *."$ext" ]]; then
                found+=("$f")
                break
            fi
        done
    done
    COMPREPLY=("${found[@]}")
    # compopt fails outside a completion (a test calling the function): fine.
    compopt -o filenames 2>/dev/null
    return 0
}

_bo_complete_dirs()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$1"))
    compopt -o filenames 2>/dev/null
    return 0
}

_bo_run()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    case $prev in
        --out) _bo_complete_dirs "$cur"; return 0 ;;
        --seed) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--out --seed --resume --check --quiet --help --version' \
                     -- "$cur"))
        return 0
    fi
    _bo_complete_files "$cur" yaml yml
    return 0
}

# The header of the first CSV file among the words, one name a line, for the
# column options of bo-gp fit.
_bo_gp_csv_columns()
{
    local w
    for w in "${COMP_WORDS[@]:2}"; do
        if [[ $w == *.csv && -r $w ]]; then
            head -n 1 -- "$w" | tr -d '\r"' | tr ',' '\n' | sed 's/^ *//; s/ *$//'
            return
        fi
    done
}

_bo_gp()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W 'fit predict eval sobol latent calibrate help --help' -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}
    case $cmd in
        fit)
            case $prev in
                --kernel) COMPREPLY=($(compgen -W 'matern52 matern32 sqexp rough_rbf' \
                                       -- "$cur")); return 0 ;;
                --noise) COMPREPLY=($(compgen -W 'learn' -- "$cur")); return 0 ;;
                --mean) COMPREPLY=($(compgen -W 'zero constant per_source' -- "$cur"))
                        return 0 ;;
                --latent) COMPREPLY=($(compgen -W 'per_input shared' -- "$cur")); return 0 ;;
                --fit) COMPREPLY=($(compgen -W 'map interval_score' -- "$cur")); return 0 ;;
                -o|--output) _bo_complete_files "$cur" txt model; return 0 ;;
                --y|--noise-col|--source-col|--class-col|--categorical)
                    local IFS=$'\n'
                    COMPREPLY=($(compgen -W "$(_bo_gp_csv_columns)" -- "$cur"))
                    return 0 ;;
                --target-source|--restarts|--seed|--fit-weight) return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W '-o --output --kernel --noise --noise-col --y
                             --source-col --target-source --mean --restarts --seed --class-col
                             --categorical --latent --fit --fit-weight -h --help' \
                             -- "$cur"))
                return 0
            fi
            _bo_complete_files "$cur" csv ;;
        predict|eval)
            if [[ $cur == -* ]]; then
                local opts='-h --help'
                [[ $cmd == predict ]] && opts="--grad $opts"
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
                return 0
            fi
            # MODEL first, then the CSV of points or test rows.
            _bo_complete_files "$cur" txt model csv ;;
        sobol)
            case $prev in
                --samples|--draws|--seed) return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W '--samples --draws --seed -h --help' -- "$cur"))
                return 0
            fi
            _bo_complete_files "$cur" txt model ;;
        latent)
            case $prev in
                -o|--output) _bo_complete_files "$cur" png; return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W '-o --output -h --help' -- "$cur"))
                return 0
            fi
            _bo_complete_files "$cur" txt model ;;
        calibrate)
            case $prev in
                --kernel) COMPREPLY=($(compgen -W 'matern52 matern32 sqexp rough_rbf' \
                                       -- "$cur")); return 0 ;;
                -o|--output) _bo_complete_files "$cur" txt model; return 0 ;;
                --theta|--y)
                    local IFS=$'\n'
                    COMPREPLY=($(compgen -W "$(_bo_gp_csv_columns)" -- "$cur"))
                    return 0 ;;
                --bounds|--starts|--seed) return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W '--theta --bounds --posterior -o --output --y
                             --kernel --starts --seed -h --help' -- "$cur"))
                return 0
            fi
            _bo_complete_files "$cur" csv ;;
    esac
    return 0
}

_bo_study()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W 'aggregate --help --version' -- "$cur"))
        return 0
    fi
    [[ ${COMP_WORDS[1]} == aggregate ]] || return 0
    case $prev in
        --out) _bo_complete_dirs "$cur"; return 0 ;;
        --evals|--tol|--cost-points|--time-bucket) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--out --evals --tol --cost-points --time-bucket --no-plot
                     --help' -- "$cur"))
        return 0
    fi
    # LABEL=RUNS_DIR: once the label is typed, complete the folder. Bash may
    # split the word at '=' (COMP_WORDBREAKS), so handle both forms.
    if [[ $cur == "=" ]]; then
        _bo_complete_dirs ""
    elif [[ $prev == "=" ]]; then
        _bo_complete_dirs "$cur"
    elif [[ $cur == *=* ]]; then
        local label=${cur%%=*} IFS=$'\n' d
        COMPREPLY=()
        for d in $(compgen -d -- "${cur#*=}"); do
            COMPREPLY+=("$label=$d/")
        done
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -F _bo_run bo-run
complete -F _bo_gp bo-gp
complete -F _bo_study bo-study
