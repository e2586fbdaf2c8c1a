/** What every command needs: the node client and the output mode from the global options, flag parsers. */
import type { Command } from 'commander';
import { KyodakuNode } from '../node-client.ts';
import { type GlobalOptions, usageError } from './output.ts';

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

/** A flag's value as an integer 1..max. */
export function positiveInt(text: string, flag: string, max: number): number {
  const n = /^\d{1,7}$/.test(text) ? Number(text) : 0;
  if (n < 1 || n > max) throw usageError(`${flag} must be an integer 1..${max}`);
  return n;
}
