function __spoofguard_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __spoofguard_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __spoofguard_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __spoofguard_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __spoofguard_parse_tokens -S
    set -l unparsed_tokens (__spoofguard_tokens -pc)
    switch $unparsed_tokens[1]
    case 'spoofguard'
        __spoofguard_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'check'
            __spoofguard_parse_subcommand 1 'json' 'version' 'h/help'
        case 'compile'
            __spoofguard_parse_subcommand 1 'format=' 'json' 'o/output=' 'version' 'h/help'
        case 'dry-run'
            __spoofguard_parse_subcommand 1 'packets=' 'max-stream-mib=' 'iif=' 'iif-kind=' 'drops' 'summary' 'json' 'skip-bad' 'kernel-checks' 'no-kernel-checks' 'version' 'h/help'
        case 'verify'
            __spoofguard_parse_subcommand 1 'json' 'version' 'h/help'
        case 'audit'
            __spoofguard_parse_subcommand 1 'table=' 'netns=' 'json' 'format=' 'version' 'h/help'
        case 'apply'
            __spoofguard_parse_subcommand 1 'netns=' 'check' 'json' 'adopt' 'revert-after=' 'confirm' 'runtime-dir=' 'version' 'h/help'
        case 'watch'
            __spoofguard_parse_subcommand 1 'netns=' 'version' 'h/help'
        case 'status'
            __spoofguard_parse_subcommand 0 'table=' 'netns=' 'json' 'format=' 'elements' 'version' 'h/help'
        case 'diff'
            __spoofguard_parse_subcommand 1 'netns=' 'json' 'runtime-dir=' 'version' 'h/help'
        case 'remove'
            __spoofguard_parse_subcommand 0 'table=' 'netns=' 'json' 'adopt' 'confirm' 'runtime-dir=' 'version' 'h/help'
        case 'try'
            __spoofguard_parse_subcommand 1 'packets=' 'count=' 'max-stream-mib=' 'seed=' 'json' 'version' 'h/help'
        case 'confirm'
            __spoofguard_parse_subcommand 0 'table=' 'netns=' 'runtime-dir=' 'json' 'version' 'h/help'
        case 'help'
            __spoofguard_parse_subcommand -r 1 'version'
        end
    end
end

function __spoofguard_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __spoofguard_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __spoofguard_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __spoofguard_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__spoofguard_tokens -p)
    if test -z "$(__spoofguard_tokens -t)"
        set -l index (count (__spoofguard_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'spoofguard' -f
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'check' -d 'Validate a policy and print every problem with its JSON path.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'compile' -d 'Print the ruleset a policy compiles to, as an nft -f file or as nft JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'dry-run' -d 'Run packets through the compiled ruleset and the kernel\'s receive path: verdict and who decided, per packet, and totals.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'verify' -d 'Prove the compiled guard over every address, interface class and family, or show a counterexample.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'audit' -d 'Prove the loaded guard against the live links and sysctls, and list every way around it.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'apply' -d 'Load the policy into the kernel atomically; report whether anything changed.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'watch' -d 'Keep the policy loaded while devices come and go and others touch the table.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'status' -d 'Show spoofguard\'s loaded table: hooks, guarded interfaces and prefixes, counters.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'diff' -d 'Compare the kernel with the policy: exit 0 when they match, 1 with the differences.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'remove' -d 'Delete spoofguard\'s table (in every family); nothing else is touched. An absent table is success.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'try' -d 'Hold the evaluator\'s predictions against a real kernel in throwaway namespaces.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'confirm' -d 'Keep the ruleset of a pending `apply --revert-after`: cancel its revert.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_positional "spoofguard" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard check" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard check" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard compile" format' -l 'format' -d 'Output format: nft (for nft -f; the default) or json (for nft -j -f; the same as --json).' -rfka 'nft json'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard compile" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard compile" o output' -l 'output' -s 'o' -d 'Write to this file instead of standard output.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard compile" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard compile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" packets' -l 'packets' -d 'The packet file, or - for standard input.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" max-stream-mib' -l 'max-stream-mib' -d 'The most packet data read from standard input, a pipe or a device, in MiB (regular files are mapped and have no limit).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" iif' -l 'iif' -d 'Treat every packet as arriving on this interface (needed for captures that name none).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" iif-kind' -l 'iif-kind' -d 'The kind of every packet\'s input interface: loopback, ordinary, bridge-port, vrf. A capture cannot say; use bridge-port for frames captured on a bridge port, so they take the bridge path.' -rfka 'loopback ordinary bridge-port vrf'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" drops' -l 'drops' -d 'Print only packets that are dropped or rejected.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" summary' -l 'summary' -d 'Print only the totals.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" skip-bad' -l 'skip-bad' -d 'Skip bad records (each named on standard error, counted in the totals) instead of stopping at the first.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" kernel-checks' -l 'kernel-checks' -d 'Apply the kernel\'s own receive-path checks (::1 in the IPv6 core, IPv4 martians).'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" no-kernel-checks' -l 'no-kernel-checks' -d 'Apply the kernel\'s own receive-path checks (::1 in the IPv6 core, IPv4 martians).'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard dry-run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard verify" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard verify" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" table' -l 'table' -d 'Name of spoofguard\'s table.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" format' -l 'format' -d 'Output: text, json (the same as --json), or prometheus (node_exporter textfile-collector metrics).' -rfka 'text json prometheus'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" check' -l 'check' -d 'Let the kernel validate the transaction without committing it (as `nft -c`).'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" adopt' -l 'adopt' -d 'Take over an existing table of the policy\'s name that spoofguard did not create (it lacks the ownership mark): its contents are replaced and it is marked from then on.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" revert-after' -l 'revert-after' -d 'Restore the previous table (or remove it if there was none) after SECONDS unless `spoofguard confirm` runs first.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" confirm' -l 'confirm' -d 'Keep what a pending `apply --revert-after` loaded (as `spoofguard confirm` does) and apply over it; without this, apply refuses while a revert is pending.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" runtime-dir' -l 'runtime-dir' -d 'Directory of spoofguard\'s runtime state (pending reverts, element records), owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard apply" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard watch" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard watch" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" table' -l 'table' -d 'Name of spoofguard\'s table.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" format' -l 'format' -d 'Output: text, json (the same as --json), or prometheus (node_exporter textfile-collector metrics).' -rfka 'text json prometheus'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" elements' -l 'elements' -d 'List the elements of the address sets too (guarded prefixes); slow for large sets.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard diff" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard diff" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard diff" runtime-dir' -l 'runtime-dir' -d 'Directory of spoofguard\'s runtime state (pending reverts, element records), owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard diff" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" table' -l 'table' -d 'Name of spoofguard\'s table.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" adopt' -l 'adopt' -d 'Delete the table even though spoofguard did not create it (it lacks the ownership mark).'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" confirm' -l 'confirm' -d 'Keep what a pending `apply --revert-after` loaded (as `spoofguard confirm` does) and remove it; without this, remove refuses while a revert is pending.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" runtime-dir' -l 'runtime-dir' -d 'Directory of spoofguard\'s runtime state (pending reverts, element records), owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" packets' -l 'packets' -d 'Packets to send (JSON, JSON lines, pcap, pcapng); their interfaces must be lab interfaces.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" count' -l 'count' -d 'How many random packets to generate when --packets is not given (1 to 1000000).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" max-stream-mib' -l 'max-stream-mib' -d 'The most packet data --packets reads from standard input, a pipe or a device, in MiB.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" seed' -l 'seed' -d 'Seed for the random packets (printed, so a run can be replayed).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard try" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" table' -l 'table' -d 'Name of spoofguard\'s table.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" netns' -l 'netns' -d 'Network namespace to work in: a name under /run/netns (as `ip netns add` makes) or a path such as /proc/PID/ns/net.' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" runtime-dir' -l 'runtime-dir' -d 'Directory of spoofguard\'s runtime state (pending reverts, element records), owned by root, mode 0700 (default: $SPOOFGUARD_RUNTIME_DIR or /run/spoofguard).' -rfka ''
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" version' -l 'version' -d 'Show the version.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard confirm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'spoofguard' -n '__spoofguard_should_offer_completions_for_flags_or_options "spoofguard help" version' -l 'version' -d 'Show the version.'
