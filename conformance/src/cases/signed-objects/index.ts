/**
 * One table of signature, header, `typ` and key mutations (spec/kyodaku.md §5.3), applied to every
 * route that accepts a signed object: the publishing endpoints of parties, records and revocations,
 * each kind inside a bulk publication, the administrative requests at the attestation endpoints and
 * at `POST /v1/peers`. Every case is generated from a (route, mutation) pair and its id derived from
 * them (`core-jws-<route>-<mutation>`), so that no route is left with fewer checks than another. The
 * record endpoint keeps the ids its hand-written cases had (`core-sig-…`). The routes are in
 * routes.ts, the mutations in mutations.ts. Payload, encoding and size checks, which do not depend
 * on the kind, stay in sig/.
 */
import type { Case } from '../../case.ts';
import { check, expectProblem } from '../../expect.ts';
import { MUTATIONS, type Mutation } from './mutations.ts';
import { ROUTES, type Route } from './routes.ts';

function caseOf(route: Route, mutation: Mutation): Case {
  const expected = mutation.expect(route);
  const accepted = expected === 'accepted';
  const forged = mutation.family === 'signature' || mutation.family === 'key';
  const own = [...mutation.requirements(route)];
  const requirements = accepted
    ? own
    : [...new Set([...own, ...route.requirements, ...(forged ? route.authenticity : []), 'REQ-ERR-001'])];
  const legacy = route.name === 'record' ? mutation.recordCase : undefined;
  const outcome = accepted ? 'is accepted' : `is refused as ${expected.join(' or ')}`;
  return {
    id: legacy?.id ?? `${route.profile}-jws-${route.name}-${mutation.name}`,
    requirements,
    refuses: accepted ? [] : requirements.filter((r) => r !== 'REQ-ERR-001'),
    level: 'MUST',
    profile: route.profile,
    title: legacy?.title ?? `${route.what} ${mutation.what} ${outcome}`,
    async run(ctx) {
      const subject = await route.prepare(ctx);
      const jws = await mutation.build(ctx, route, subject);
      const res = await route.submit(ctx, jws);
      if (accepted) {
        check(
          res.status === route.acceptedAs,
          `${route.what} ${mutation.what}: expected ${route.acceptedAs} (accepted), got ${res.status} ${res.text.slice(0, 200)}`,
        );
        return;
      }
      expectProblem(res, ...expected);
      await subject.unchanged(ctx, jws);
    },
  };
}

/** Every (route, mutation) case, route by route. */
export const signedObjectCases: Case[] = ROUTES.flatMap((route) => MUTATIONS.map((m) => caseOf(route, m)));
