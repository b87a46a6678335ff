/**
 * One or more examples under each command's --help: what a person types, on the book's sample
 * (apps devops-toolkit, go-demo-9; envs staging → production). Attached after the commands are
 * built, so slipway.ts keeps to options; a test holds every command to having examples.
 */
import type { Command } from 'commander';

const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  synth: ['npm run synth', 'slipway synth --check            # CI: out/ matches the sources', 'slipway synth --crds .slipway/crds'],
  validate: ['slipway validate', 'slipway validate --json | jq .unchecked'],
  plan: ['slipway plan', 'slipway plan --env production --out production.plan'],
  apply: ['slipway apply production.plan'],
  promote: [
    'slipway promote devops-toolkit 2.9.18 --env staging',
    'slipway promote devops-toolkit --from staging --env production',
    'slipway promote devops-toolkit --latest --env staging --dry-run',
    'slipway promote --all --from staging --env production            # every app that differs, one commit',
    'slipway promote --all --from staging --env production --app go-demo-9 --app devops-toolkit --dry-run',
  ],
  rollback: [
    'slipway rollback devops-toolkit --env production',
    'slipway rollback devops-toolkit --env production --to 2.9.9 --direct --reason "outage"',
  ],
  approve: ['slipway approve production devops-toolkit'],
  pull: ['slipway pull', 'slipway pull --env production'],
  history: ['slipway history devops-toolkit --env production', 'slipway history go-demo-9 --env staging -n 5 --json'],
  status: ['slipway status', 'slipway status --env production --json', 'slipway status --registry'],
  track: ['slipway track --dry-run', 'slipway track --env staging --json'],
  bootstrap: ['slipway bootstrap --dry-run', 'slipway bootstrap --env staging'],
};

/** Adds each command's examples (those with subcommands: to each subcommand that has its own). */
export function addExamples(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
  }
}
