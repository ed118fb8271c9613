import { describe, expect, it } from 'vitest';
import { MASK, maskPii, piiPathsFrom, piiTarget } from './mask.ts';

describe('maskPii', () => {
  const event = {
    event_type: 'signup',
    user_id: 'u1',
    data: {
      email: 'a@b.c',
      plan: 'pro',
      address: { street: 'Main 1', city: 'X' },
      contacts: [{ phone: '1' }, { phone: '2' }],
    },
  };

  it('masks pointer, dotted and through-array paths and says which matched', () => {
    const r = maskPii(event, ['/email', 'address.street', '/contacts/phone', '/absent']);
    expect(r.value).toEqual({
      ...event,
      data: {
        email: MASK,
        plan: 'pro',
        address: { street: MASK, city: 'X' },
        contacts: [{ phone: MASK }, { phone: MASK }],
      },
    });
    expect(r.masked).toEqual(['/email', 'address.street', '/contacts/phone']);
  });

  it('leaves the original untouched and non-events alone', () => {
    maskPii(event, ['/email']);
    expect(event.data.email).toBe('a@b.c');
    expect(maskPii('not an event', ['/email'])).toEqual({ value: 'not an event', masked: [] });
    expect(maskPii({ data: [1] }, ['/0'])).toEqual({ value: { data: [1] }, masked: [] });
  });

  it('masks user_id and metadata paths rooted at the event with $', () => {
    const withMeta = { ...event, metadata: { ip: '10.0.0.1', client: { ua: 'x', os: 'y' } } };
    const r = maskPii(withMeta, ['$.user_id', '$.metadata.ip', '$/metadata/client/ua', '$.data.plan']);
    expect(r.value).toEqual({
      ...withMeta,
      user_id: MASK,
      data: { ...event.data, plan: MASK },
      metadata: { ip: MASK, client: { ua: MASK, os: 'y' } },
    });
    expect(r.masked).toEqual(['$.user_id', '$.metadata.ip', '$/metadata/client/ua', '$.data.plan']);
    expect(withMeta.metadata.ip).toBe('10.0.0.1');
    expect(maskPii(withMeta, ['$.metadata']).value).toMatchObject({ metadata: MASK, user_id: 'u1' });
  });

  it('ignores $ paths that name nothing maskable, and events without the field', () => {
    expect(maskPii(event, ['$.event_type', '$.source', '$.user_id.x', '$.metadata.ip', '$x']).masked).toEqual(
      [],
    );
    expect(piiTarget('$.user_id')).toEqual({ root: 'user_id', keys: [] });
    expect(piiTarget('email')).toEqual({ root: 'data', keys: ['email'] });
  });

  it('unescapes JSON pointer segments', () => {
    expect(maskPii({ data: { 'a/b': 1, 'c~d': 2 } }, ['/a~1b', '/c~0d']).masked).toHaveLength(2);
  });
});

describe('piiPathsFrom', () => {
  it('unions the pii paths over versions and ignores other tags', () => {
    const m = piiPathsFrom([
      { subject: 's', fieldTags: { '/email': ['pii'], '/plan': ['billing'] } },
      { subject: 's', fieldTags: { '/phone': ['pii', 'x'] } },
      { subject: 't', fieldTags: null },
    ]);
    expect([...m]).toEqual([['s', ['/email', '/phone']]]);
  });
});
