/** Every case of the `log` profile, in run order. */
import type { Case } from '../../case.ts';
import { logCheckpointCases } from './checkpoints.ts';
import { logEntryCases } from './entries.ts';
import { logReceiptCases } from './receipts.ts';

export const logCases: readonly Case[] = [...logCheckpointCases, ...logEntryCases, ...logReceiptCases];
