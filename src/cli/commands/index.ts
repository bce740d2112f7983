import type { Command } from 'commander';

/** Registry of subcommands; each module adds one command to the program. */
export const commands: Array<(program: Command) => void> = [];
