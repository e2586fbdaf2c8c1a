/** Decisions for one item (http-api.md §5.1, kyodaku.md §7, §8). */
import type { Case } from '../../case.ts';
import { oneRecordDecisionCases } from './one-record.ts';
import { decisionParameterCases } from './parameters.ts';
import { severalRecordDecisionCases } from './several-records.ts';
import { timeDecisionCases } from './time.ts';

export const decisionCases: Case[] = [
  ...oneRecordDecisionCases,
  ...severalRecordDecisionCases,
  ...timeDecisionCases,
  ...decisionParameterCases,
];
