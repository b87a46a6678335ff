/**
 * `slipway completion bash|zsh|fish`: completion scripts generated from the commander program
 * itself, so every command, subcommand, option and choice the CLI has is completed, and a new one
 * needs no edit here. zsh uses the bash function through `bashcompinit` (zsh's own bridge).
 */
import type { Command, Option } from 'commander';
import { ConfigError } from '../core/config-error.js';

interface Node {
  /** `promote`, `add app`; '' for the top level. */
  readonly path: string;
  readonly description: string;
  readonly subcommands: readonly string[];
  readonly options: readonly Option[];
}

function visible(command: Command): Command[] {
  return command.commands.filter((c) => c.name() !== 'help');
}

function nodes(command: Command, path = ''): Node[] {
  const here: Node = {
    path,
    description: command.description(),
    subcommands: visible(command).map((c) => c.name()),
    options: command.options.filter((o) => !o.hidden),
  };
  return [here, ...visible(command).flatMap((c) => nodes(c, path ? `${path} ${c.name()}` : c.name()))];
}

const flags = (o: Option) => [o.long, o.short].filter((f): f is string => Boolean(f));
const takesValue = (o: Option) => o.required || o.optional;

export function completionScript(shell: string, program: Command): string {
  const all = nodes(program);
  const global = all[0]!.options.flatMap(flags);
  switch (shell) {
    case 'bash':
      return bash(all, global);
    case 'zsh':
      return `#compdef slipway\n# slipway completion zsh: the bash completion through zsh's bashcompinit.\nautoload -U +X bashcompinit && bashcompinit\n${bash(all, global)}`;
    case 'fish':
      return fish(all);
    default:
      throw new ConfigError(`completion: unknown shell '${shell}' (bash, zsh or fish)`);
  }
}

function bash(all: readonly Node[], global: readonly string[]): string {
  const valued = [...new Set(all.flatMap((n) => n.options.filter(takesValue).flatMap(flags)))].sort();
  const withSubcommands = all.filter((n) => n.path !== '' && n.subcommands.length > 0).map((n) => n.path);
  const cases = all
    .map((n) => {
      const options = [...n.options.flatMap(flags), ...(n.path === '' ? [] : global)];
      const choices = n.options
        .filter((o) => o.argChoices)
        .map((o) => `      ${flags(o).join('|')}) COMPREPLY=($(compgen -W "${o.argChoices!.join(' ')}" -- "$cur")); return ;;`)
        .join('\n');
      return `    "${n.path}")\n${choices ? `      case "$prev" in\n${choices}\n      esac\n` : ''}      subs="${n.subcommands.join(' ')}" opts="${options.join(' ')}" ;;`;
    })
    .join('\n');
  return `# slipway completion bash: source <(slipway completion bash)
_slipway() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" subs="" opts="" i w skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case " ${valued.join(' ')} " in *" $w "*) skip=1; continue ;; esac
    case "$w" in -*) continue ;; esac
    if [[ -z "$path" ]]; then path="$w"
    else case " ${withSubcommands.join(' ')} " in *" $path "*) path="$path $w" ;; esac
    fi
  done
  case "$path" in
${cases}
  esac
  case " ${valued.join(' ')} " in *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  # Options once a dash is typed; else what comes next: a subcommand.
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -W "$subs" -- "$cur")); fi
}
complete -F _slipway slipway
`;
}

const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fish(all: readonly Node[]): string {
  const lines = ['# slipway completion fish > ~/.config/fish/completions/slipway.fish', 'complete -c slipway -f'];
  for (const n of all) {
    const parts = n.path === '' ? [] : n.path.split(' ');
    // This node's words apply once its path is typed and none of its subcommands yet.
    const seen = parts.map((p) => `__fish_seen_subcommand_from ${p}`);
    const notYet = n.subcommands.length > 0 ? [`not __fish_seen_subcommand_from ${n.subcommands.join(' ')}`] : [];
    const condition = n.path === '' ? ['__fish_use_subcommand'] : [...seen, ...notYet];
    const when = `-n ${fishQuote(condition.join('; and '))}`;
    for (const sub of n.subcommands) {
      const child = all.find((c) => c.path === (n.path ? `${n.path} ${sub}` : sub));
      lines.push(`complete -c slipway ${when} -a ${sub} -d ${fishQuote(child?.description.split('\n')[0] ?? '')}`);
    }
    for (const o of n.options) {
      const long = o.long ? ` -l ${o.long.replace(/^--/, '')}` : '';
      const short = o.short ? ` -s ${o.short.replace(/^-/, '')}` : '';
      const value = o.argChoices ? ` -x -a ${fishQuote(o.argChoices.join(' '))}` : takesValue(o) ? ' -r -F' : '';
      const optWhen = n.path === '' ? '' : `-n ${fishQuote(seen.join('; and '))} `;
      lines.push(`complete -c slipway ${optWhen}${long}${short}${value} -d ${fishQuote(o.description)}`.replace(/ {2,}/g, ' '));
    }
  }
  return `${lines.join('\n')}\n`;
}
