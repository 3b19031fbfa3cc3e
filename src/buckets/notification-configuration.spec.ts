import { assertNoOverlap, NotificationRule, NotificationRuleInput, validateNotificationRules } from './notification-configuration';

const rule = (
  target: NotificationRuleInput['target'],
  events = ['s3:ObjectCreated:*'],
  extra: Partial<NotificationRuleInput> = {},
): NotificationRuleInput => ({
  target,
  events,
  ...extra,
});

describe('notification configuration', () => {
  it.each([
    ['webhook', { type: 'webhook', url: 'https://h.example/x' }],
    ['redis channel', { type: 'redis', url: 'redis://r:6379', channel: 'c' }],
    ['redis list', { type: 'redis', url: 'rediss://r', key: 'k' }],
    ['rabbitmq', { type: 'rabbitmq', url: 'amqp://m', exchange: '', routingKey: 'rk' }],
    ['mqtt', { type: 'mqtt', url: 'tcp://b:1883', topic: 't', qos: 2 }],
    ['nats', { type: 'nats', url: 'nats://n:4222', subject: 's' }],
    ['queue', { type: 'queue', arn: 'arn:aws:sqs:us-east-1:1:q' }],
  ] as Array<[string, NotificationRuleInput['target']]>)('accepts a %s target', (_, target) => {
    expect(() => validateNotificationRules([rule(target)])).not.toThrow();
  });

  it.each([
    ['a webhook with another scheme', rule({ type: 'webhook', url: 'ftp://h' }), /must start with http/],
    ['a redis target with channel and key', rule({ type: 'redis', url: 'redis://r', channel: 'c', key: 'k' }), /channel or a key/],
    ['rabbitmq without routing key', rule({ type: 'rabbitmq', url: 'amqp://m' }), /routing_key/],
    ['mqtt with qos 3', rule({ type: 'mqtt', url: 'mqtt://b', topic: 't', qos: 3 as never }), /qos/],
    ['a queue without ARN', rule({ type: 'queue' }), /arn/],
    ['an unknown event', rule({ type: 'webhook', url: 'https://h' }, ['s3:Nope']), /not supported/],
    ['no event', rule({ type: 'webhook', url: 'https://h' }, []), /no event/],
    ['a header with a line break', rule({ type: 'webhook', url: 'https://h', headers: { X: 'a\r\nb' } }), /header/],
  ])('refuses %s (InvalidArgument)', (_, r, message) => {
    expect(() => validateNotificationRules([r])).toThrow(message);
  });

  it('refuses duplicate ids and more than 100 rules', () => {
    const t = { type: 'webhook' as const, url: 'https://h' };
    expect(() => validateNotificationRules([rule(t, undefined, { id: 'a' }), rule(t, ['s3:ObjectRemoved:*'], { id: 'a' })])).toThrow(
      /same id/,
    );
    expect(() => validateNotificationRules(Array.from({ length: 101 }, () => rule(t)))).toThrow(/at most 100/);
  });

  it('refuses overlapping rules to one target, allows disjoint filters or events', () => {
    const t = { type: 'webhook' as const, url: 'https://h' };
    const r = (id: string, events: string[], filter?: NotificationRule['filter']): NotificationRule => ({
      id,
      target: t,
      events,
      ...(filter ? { filter } : {}),
    });
    expect(() => assertNoOverlap([r('a', ['s3:ObjectCreated:*']), r('b', ['s3:ObjectCreated:Put'])])).toThrow(/overlap/);
    expect(() =>
      assertNoOverlap([r('a', ['s3:ObjectCreated:*'], { prefix: 'a/' }), r('b', ['s3:ObjectCreated:Put'], { prefix: 'b/' })]),
    ).not.toThrow();
    expect(() => assertNoOverlap([r('a', ['s3:ObjectCreated:*']), r('b', ['s3:ObjectRemoved:*'])])).not.toThrow();
    expect(() =>
      assertNoOverlap([
        r('a', ['s3:ObjectCreated:*']),
        { id: 'b', target: { type: 'webhook', url: 'https://other' }, events: ['s3:ObjectCreated:*'] },
      ]),
    ).not.toThrow();
  });
});
