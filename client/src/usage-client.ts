/** The SDK's calls of the `usage` profile (spec/usage.md) on a KyodakuNode. */
import type { SignedObject } from './jws.ts';
import type { KyodakuNode } from './node-client.ts';
import {
  BusinessList,
  DeclarationList,
  DeclarationView,
  LabelView,
  UsageReportResponse,
  UsageUseList,
} from './schemas/usage.ts';
import { type Manifest, usageBodyOf } from './usage.ts';

/** Publishes a declaration: inline items, or with its manifest (REQ-USAGE-004). */
export function declareUsage(
  node: KyodakuNode,
  declaration: SignedObject<'usage-declaration'>,
  manifest?: Manifest,
): Promise<DeclarationView> {
  return node.request(
    'POST',
    'v1/usage',
    DeclarationView,
    manifest === undefined ? { jose: declaration.jws } : { ndjson: usageBodyOf(declaration.jws, manifest) },
  );
}

/** One page of the uses of a holder's works, or of one identifier (REQ-USAGE-030). */
export function usesOf(
  node: KyodakuNode,
  query: { holder: string } | { id: string },
  page: { limit?: number; cursor?: string } = {},
): Promise<UsageUseList> {
  const params = new URLSearchParams(query as Record<string, string>);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor !== undefined) params.set('cursor', page.cursor);
  return node.request('GET', `v1/usage?${params}`, UsageUseList);
}

export function declarationsOf(
  node: KyodakuNode,
  declarant: string,
  cursor?: string,
): Promise<DeclarationList> {
  const params = new URLSearchParams({ declarant, ...(cursor !== undefined && { cursor }) });
  return node.request('GET', `v1/usage?${params}`, DeclarationList);
}

/** The node's signed usage report for a holder (REQ-USAGE-031). */
export function usageReport(node: KyodakuNode, holder: string): Promise<UsageReportResponse> {
  return node.request('GET', `v1/usage/report?${new URLSearchParams({ holder })}`, UsageReportResponse);
}

export function labelOf(node: KyodakuNode, number: string): Promise<LabelView> {
  return node.request('GET', `v1/labels/${encodeURIComponent(number)}`, LabelView);
}

export function businessesOf(node: KyodakuNode, cursor?: string): Promise<BusinessList> {
  return node.request('GET', `v1/businesses${cursor === undefined ? '' : `?cursor=${cursor}`}`, BusinessList);
}
