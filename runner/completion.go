package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// The completion entry's run is set here, since its script is generated
// from the table that holds it.
func init() {
	for i := range commands {
		if commands[i].name == "completion" {
			commands[i].run = runCompletion
		}
	}
}

// runCompletion is `runner completion SHELL`: a script generated from the
// command table, so that a new command or flag completes with no edit here.
func runCompletion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("completion: %w", err)
	}
	if len(pos) != 1 {
		return usagef("completion: name one shell: bash, zsh or fish")
	}
	specs := completionSpecs()
	switch pos[0] {
	case "bash":
		_, err = io.WriteString(stdout, bashCompletion(specs))
	case "zsh":
		_, err = io.WriteString(stdout, zshCompletion(specs))
	case "fish":
		_, err = io.WriteString(stdout, fishCompletion(specs))
	default:
		return usagef("completion: unknown shell %q (want bash, zsh or fish)", pos[0])
	}
	return err
}

// completed is what a shell needs to know of one command.
type completed struct {
	name, summary string
	flags         []completedFlag
	args          []string // choices for the positional arguments; nil: files
}

type completedFlag struct {
	name, usage string
	bool        bool
	choices     []string // nil: a file or a free value
}

func completionSpecs() []completed {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	var specs []completed
	for _, c := range commands {
		s := completed{name: c.name, summary: c.summary}
		switch c.name {
		case "completion":
			s.args = []string{"bash", "zsh", "fish"}
		case "help":
			s.args = names
		}
		if fs := flagsOf(c); fs != nil {
			fs.VisitAll(func(f *flag.Flag) {
				_, usage := flag.UnquoteUsage(f)
				if len(usage) > 70 {
					usage = usage[:strings.LastIndex(usage[:70], " ")] + "..."
				}
				s.flags = append(s.flags, completedFlag{name: f.Name, usage: usage, bool: isBool(f), choices: flagChoices(c.name, f.Name)})
			})
		}
		specs = append(specs, s)
	}
	return specs
}

// flagChoices are the values a flag takes, where they are few.
func flagChoices(command, name string) []string {
	switch name {
	case "vendor":
		return contract.Vendors(schemas.FS)
	case "signature":
		return signer.Dialects()
	case "addressing":
		return []string{"path", "virtual"}
	case "fail-on":
		return []string{"error", "warning"}
	case "format":
		if command == "check" {
			return []string{"text", "json", "sarif"}
		}
		return []string{"text", "json"}
	}
	return nil
}

func bashCompletion(specs []completed) string {
	var b strings.Builder
	b.WriteString("# bash completion for runner: source <(runner completion bash)\n_runner() {\n")
	b.WriteString("    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	b.WriteString("    if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "        COMPREPLY=($(compgen -W %q -- \"$cur\"))\n        return\n    fi\n", joinNames(specs))
	b.WriteString("    local flags= valued= args=\n    case \"${COMP_WORDS[1]}\" in\n")
	for _, s := range specs {
		var flags, valued []string
		for _, f := range s.flags {
			flags = append(flags, dashed(f.name))
			if !f.bool {
				valued = append(valued, dashed(f.name))
			}
		}
		fmt.Fprintf(&b, "    %s) flags=%q valued=%q args=%q ;;\n", s.name, strings.Join(flags, " "), strings.Join(valued, " "), strings.Join(s.args, " "))
	}
	b.WriteString("    esac\n    case \"${COMP_WORDS[1]} $prev\" in\n")
	for _, s := range specs {
		for _, f := range s.flags {
			if len(f.choices) > 0 {
				fmt.Fprintf(&b, "    %q) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", s.name+" "+dashed(f.name), strings.Join(f.choices, " "))
			}
		}
	}
	b.WriteString(`    esac
    if [[ " $valued " == *" $prev "* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    elif [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [ -n "$args" ]; then
        COMPREPLY=($(compgen -W "$args" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _runner runner
`)
	return b.String()
}

func zshCompletion(specs []completed) string {
	var b strings.Builder
	b.WriteString("#compdef runner\n# zsh completion for runner: runner completion zsh > \"${fpath[1]}/_runner\"\n_runner() {\n")
	b.WriteString("    if (( CURRENT == 2 )); then\n        local -a commands\n        commands=(\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "            %s\n", zshQuote(s.name+":"+strings.ReplaceAll(s.summary, ":", `\:`)))
	}
	b.WriteString("        )\n        _describe command commands\n        return\n    fi\n")
	b.WriteString("    local -a flags valued args\n    case ${words[2]} in\n")
	for _, s := range specs {
		var flags, valued []string
		for _, f := range s.flags {
			flags = append(flags, zshQuote(dashed(f.name)+":"+strings.ReplaceAll(f.usage, ":", `\:`)))
			if !f.bool {
				valued = append(valued, dashed(f.name))
			}
		}
		fmt.Fprintf(&b, "    %s) flags=(%s); valued=(%s); args=(%s) ;;\n", s.name, strings.Join(flags, " "), strings.Join(valued, " "), strings.Join(s.args, " "))
	}
	b.WriteString("    esac\n    case \"${words[2]} ${words[CURRENT-1]}\" in\n")
	for _, s := range specs {
		for _, f := range s.flags {
			if len(f.choices) > 0 {
				fmt.Fprintf(&b, "    %s) compadd -- %s; return ;;\n", zshQuote(s.name+" "+dashed(f.name)), strings.Join(f.choices, " "))
			}
		}
	}
	b.WriteString(`    esac
    if (( ${valued[(Ie)${words[CURRENT-1]}]} )); then
        _files
    elif [[ $PREFIX == -* ]]; then
        _describe flag flags
    elif (( ${#args} )); then
        compadd -- $args
    else
        _files
    fi
}
if [ "$funcstack[1]" = "_runner" ]; then
    _runner "$@"
else
    compdef _runner runner
fi
`)
	return b.String()
}

func fishCompletion(specs []completed) string {
	var b strings.Builder
	b.WriteString("# fish completion for runner: runner completion fish > ~/.config/fish/completions/runner.fish\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "complete -c runner -n __fish_use_subcommand -f -a %s -d %s\n", s.name, fishQuote(s.summary))
	}
	for _, s := range specs {
		cond := fishQuote("__fish_seen_subcommand_from " + s.name)
		if len(s.args) > 0 {
			fmt.Fprintf(&b, "complete -c runner -n %s -f -a %s\n", cond, fishQuote(strings.Join(s.args, " ")))
		}
		for _, f := range s.flags {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-o " + f.name // Go's flags: -v, as fish's old-style option
			}
			line := fmt.Sprintf("complete -c runner -n %s %s -d %s", cond, opt, fishQuote(f.usage))
			switch {
			case len(f.choices) > 0:
				line += " -x -a " + fishQuote(strings.Join(f.choices, " "))
			case !f.bool:
				line += " -r -F"
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func joinNames(specs []completed) string {
	var names []string
	for _, s := range specs {
		names = append(names, s.name)
	}
	return strings.Join(names, " ")
}

// zshQuote and fishQuote quote a word in single quotes for their shell.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}
