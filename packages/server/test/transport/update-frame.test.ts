import { expect, it } from 'vitest';
import type { UpdateBody } from '@feige/protocol';
import { updateFrame } from '../../src/transport/ws/registry.js';

it('writes the same frame as serialising {type, update: {...body, pts, at}}, for every recipient of a shared body', () => {
  const body = {
    type: 'message.new',
    message: {
      id: 'm_1',
      conversationId: 'c_1',
      seq: 7,
      kind: 'text',
      senderId: 'u_"quoted"',
      clientMsgId: 'k\\1',
      text: '天气 👩‍👩‍👧 "}\n\u2028 <script>',
      mentions: { userIds: ['u_2'], all: false },
      createdAt: 1_700_000_000_123,
    },
  } as UpdateBody;
  for (const pts of [1, 2, 90_071_992]) {
    const frame = updateFrame({ body, pts, at: 1_700_000_000_456 });
    expect(JSON.parse(frame)).toEqual({ type: 'update', update: { ...body, pts, at: 1_700_000_000_456 } });
    expect(frame).toBe(JSON.stringify({ type: 'update', update: { ...body, pts, at: 1_700_000_000_456 } }));
  }
  const small = { type: 'block.removed', userId: 'u_9' } as UpdateBody;
  expect(JSON.parse(updateFrame({ body: small, pts: 3, at: 4 }))).toEqual({ type: 'update', update: { ...small, pts: 3, at: 4 } });
});
