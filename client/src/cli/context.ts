/** What every command needs from the global options: the node client and the output mode. */
import type { Command } from 'commander';
import { KyodakuNode } from '../node-client.ts';
import type { GlobalOptions } from './output.ts';

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function nodeOf(command: Command): KyodakuNode {
  return new KyodakuNode(globalsOf(command).node, { headers: { 'user-agent': 'kyodaku-cli/0.1.0' } });
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
