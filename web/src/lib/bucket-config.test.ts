import { describe, expect, it } from 'vitest';
import {
  corsFromForm,
  corsProblems,
  corsToForm,
  inventoryFromForm,
  inventoryProblems,
  inventoryToForm,
  newCorsRule,
  newNotificationRule,
  notificationProblems,
  notificationsFromForm,
  notificationsToForm,
} from './bucket-config';

describe('CORS editor', () => {
  const json = {
    CORSRules: [
      {
        ID: 'web',
        AllowedOrigins: ['https://a.example', 'https://b.example'],
        AllowedMethods: ['PUT', 'GET'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 600,
      },
      { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
    ],
  };

  it('round-trips the API shape through the form (methods in a fixed order)', () => {
    const form = corsToForm(json);
    expect(form[0]).toMatchObject({ id: 'web', origins: 'https://a.example\nhttps://b.example', methods: ['PUT', 'GET'], maxAge: '600' });
    expect(corsFromForm(form)).toEqual({
      CORSRules: [
        {
          ID: 'web',
          AllowedOrigins: ['https://a.example', 'https://b.example'],
          AllowedMethods: ['GET', 'PUT'],
          AllowedHeaders: ['*'],
          ExposeHeaders: ['ETag'],
          MaxAgeSeconds: 600,
        },
        { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
      ],
    });
    expect(corsProblems(form)).toEqual({});
  });

  it('reads origins a line or a comma apart, blank lines ignored', () => {
    const f = { ...newCorsRule(), origins: 'https://x.example,\n\n https://y.example ' };
    expect(corsFromForm([f]).CORSRules[0].AllowedOrigins).toEqual(['https://x.example', 'https://y.example']);
  });

  it('words what S3 would refuse, per field', () => {
    const bad = { ...newCorsRule(), origins: '', methods: [], exposeHeaders: 'x-*', maxAge: '-1', allowedHeaders: 'a*b*' };
    expect(corsProblems([bad])).toEqual({
      '0.origins': expect.stringMatching(/at least one origin/),
      '0.methods': 'Allow at least one method',
      '0.exposeHeaders': 'Exposed headers cannot use *',
      '0.maxAge': expect.stringMatching(/whole number/),
      '0.allowedHeaders': expect.stringMatching(/one \*/),
    });
    expect(corsProblems([]).rules).toMatch(/at least one rule/);
    expect(corsProblems([{ ...newCorsRule(), origins: 'https://*.*.example' }])['0.origins']).toMatch(/one \*/);
  });
});

describe('notifications editor', () => {
  const json = {
    rules: [
      {
        id: 'hook',
        target: { type: 'webhook', url: 'https://h.example/in', headers: { 'X-Team': 'ops' } },
        events: ['s3:ObjectCreated:*'],
        filter: { prefix: 'img/', suffix: '.jpg' },
      },
      { id: 'list', target: { type: 'redis', url: 'redis://127.0.0.1:6379', key: 'events' }, events: ['s3:ObjectRemoved:*'] },
      {
        id: 'mq',
        target: { type: 'rabbitmq', url: 'amqp://localhost', exchange: '', routing_key: 'objects' },
        events: ['s3:ObjectCreated:Put'],
      },
      { id: 'm', target: { type: 'mqtt', url: 'mqtt://localhost:1883', topic: 't/x', qos: 1 }, events: ['s3:ObjectCreated:*'] },
      { id: 'n', target: { type: 'nats', url: 'nats://localhost:4222', subject: 's.x', jetstream: true }, events: ['s3:ObjectCreated:*'] },
      { id: 'q', target: { type: 'queue', arn: 'arn:aws:sqs:us-east-1:123456789012:q' }, events: ['s3:ObjectCreated:*'] },
    ],
  };

  it('round-trips every target type through the form', () => {
    const form = notificationsToForm(json);
    expect(form[0].headers).toBe('X-Team: ops');
    expect(form[1]).toMatchObject({ redisMode: 'key', redisName: 'events' });
    expect(form[3].qos).toBe('1');
    expect(notificationsFromForm(form)).toEqual(json);
    expect(notificationProblems(form)).toEqual({});
  });

  it('checks the URL scheme of the target, the fields each target needs, events and duplicate ids', () => {
    const f = (patch: Partial<ReturnType<typeof newNotificationRule>>) => ({ ...newNotificationRule(), ...patch });
    expect(notificationProblems([f({ url: 'ftp://x' })])['0.url']).toMatch(/http:\/\/ or https:\/\//);
    expect(notificationProblems([f({ type: 'redis', url: 'redis://h' })])['0.redisName']).toMatch(/channel/);
    expect(notificationProblems([f({ type: 'rabbitmq', url: 'amqp://h' })])['0.routingKey']).toBeDefined();
    expect(notificationProblems([f({ type: 'mqtt', url: 'http://h' })])).toMatchObject({
      '0.url': expect.any(String),
      '0.topic': expect.any(String),
    });
    expect(notificationProblems([f({ type: 'topic', arn: 'nope' })])['0.arn']).toMatch(/ARN/);
    expect(notificationProblems([f({ url: 'https://h', events: [] })])['0.events']).toMatch(/at least one event/);
    expect(notificationProblems([f({ url: 'https://h', headers: 'bad header line' })])['0.headers']).toMatch(/Name: value/);
    expect(notificationProblems([f({ id: 'a', url: 'https://h' }), f({ id: 'a', url: 'https://h' })])['1.id']).toMatch(/Another rule/);
  });

  it('sends a webhook secret only when one is typed', () => {
    const out = notificationsFromForm([{ ...newNotificationRule(), url: 'https://h', secret: '' }]);
    expect(out.rules[0].target).toEqual({ type: 'webhook', url: 'https://h' });
    const withSecret = notificationsFromForm([{ ...newNotificationRule(), url: 'https://h', secret: 's3cr3t' }]);
    expect((withSecret.rules[0].target as Record<string, unknown>).secret).toBe('s3cr3t');
  });
});

describe('inventory editor', () => {
  it('round-trips the configuration, report columns in the server order', () => {
    const json = {
      id: 'daily',
      enabled: false,
      destination_bucket: 'reports',
      prefix: 'inv',
      schedule: 'Weekly',
      format: 'CSV',
      included_versions: 'All',
      fields: ['ETag', 'Size'],
    };
    const form = inventoryToForm(json);
    expect(form).toMatchObject({ enabled: false, schedule: 'Weekly', includedVersions: 'All' });
    expect(inventoryFromForm(form)).toEqual({ ...json, fields: ['Size', 'ETag'] });
    expect(inventoryProblems(form)).toEqual({});
  });

  it('defaults a missing configuration and words bad ids and bucket names', () => {
    const form = inventoryToForm(null);
    expect(form).toMatchObject({
      id: 'default',
      enabled: true,
      schedule: 'Daily',
      fields: ['Size', 'ETag', 'LastModifiedDate', 'StorageClass', 'VersionId'],
    });
    expect(inventoryProblems({ ...form, id: 'has space', destination: 'Not_A_Bucket' })).toEqual({
      id: expect.stringMatching(/letters, digits/),
      destination: expect.stringMatching(/bucket/),
    });
  });
});
