import type { NotificationRule } from '../../buckets/notification-configuration';
import { notificationConfigurationXml, readNotificationConfiguration, syntheticArn } from './notification-shapes';
import { readXml } from './read-xml';
import { writeXml } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const parse = async (xml: string, existing: NotificationRule[] = []) =>
  readNotificationConfiguration(await readXml(xml, 'NotificationConfiguration'), existing);

describe('NotificationConfiguration', () => {
  it('reads Topic, Queue and CloudFunction configurations with their filters', async () => {
    const rules = await parse(
      `<NotificationConfiguration ${NS}>` +
        '<QueueConfiguration><Id>q</Id><Queue>arn:aws:sqs:us-east-1:1:q</Queue><Event>s3:ObjectCreated:*</Event>' +
        '<Filter><S3Key><FilterRule><Name>Prefix</Name><Value>logs/</Value></FilterRule></S3Key></Filter></QueueConfiguration>' +
        '<TopicConfiguration><Topic>arn:aws:sns:us-east-1:1:t</Topic><Event>s3:ObjectRemoved:*</Event><Event>s3:ObjectAcl:Put</Event></TopicConfiguration>' +
        '<CloudFunctionConfiguration><Id>f</Id><CloudFunction>arn:aws:lambda:us-east-1:1:function:f</CloudFunction><Event>s3:ObjectTagging:*</Event></CloudFunctionConfiguration>' +
        '</NotificationConfiguration>',
    );
    expect(rules).toEqual([
      { target: { type: 'topic', arn: 'arn:aws:sns:us-east-1:1:t' }, events: ['s3:ObjectRemoved:*', 's3:ObjectAcl:Put'] },
      { id: 'q', target: { type: 'queue', arn: 'arn:aws:sqs:us-east-1:1:q' }, events: ['s3:ObjectCreated:*'], filter: { prefix: 'logs/' } },
      { id: 'f', target: { type: 'lambda', arn: 'arn:aws:lambda:us-east-1:1:function:f' }, events: ['s3:ObjectTagging:*'] },
    ]);
  });

  it('keeps a console target given back by its synthetic ARN', async () => {
    const hook: NotificationRule = { id: 'h', target: { type: 'webhook', url: 'https://x.example' }, events: ['s3:ObjectCreated:*'] };
    const rules = await parse(
      `<NotificationConfiguration><QueueConfiguration><Queue>${syntheticArn(hook)}</Queue><Event>s3:ObjectCreated:Put</Event></QueueConfiguration></NotificationConfiguration>`,
      [hook],
    );
    expect(rules).toEqual([{ id: 'h', target: hook.target, events: ['s3:ObjectCreated:Put'] }]);
  });

  it('refuses a repeated or unknown filter rule, EventBridge, and a configuration without its ARN', async () => {
    const rule = (name: string) => `<FilterRule><Name>${name}</Name><Value>x</Value></FilterRule>`;
    const withRules = (...r: string[]) =>
      `<NotificationConfiguration><QueueConfiguration><Queue>arn:a:b::c:d</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key>${r.join('')}</S3Key></Filter></QueueConfiguration></NotificationConfiguration>`;
    await expect(parse(withRules(rule('prefix'), rule('prefix')))).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(parse(withRules(rule('middle')))).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(parse('<NotificationConfiguration><EventBridgeConfiguration/></NotificationConfiguration>')).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(
      parse(
        '<NotificationConfiguration><QueueConfiguration><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>',
      ),
    ).rejects.toMatchObject({
      code: 'MalformedXML',
    });
  });

  it('writes the stored rules, console targets as QueueConfigurations with a synthetic ARN', () => {
    const xml = writeXml(
      notificationConfigurationXml([
        { id: 't', target: { type: 'topic', arn: 'arn:aws:sns:us-east-1:1:t' }, events: ['s3:ObjectCreated:*'] },
        { id: 'w', target: { type: 'webhook', url: 'https://x' }, events: ['s3:ObjectRemoved:*'], filter: { suffix: '.jpg' } },
      ]),
    );
    expect(xml).toBe(
      `${DECL}<NotificationConfiguration ${NS}>` +
        '<TopicConfiguration><Id>t</Id><Topic>arn:aws:sns:us-east-1:1:t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration>' +
        '<QueueConfiguration><Id>w</Id><Queue>arn:objectstore:sqs::w:webhook</Queue><Event>s3:ObjectRemoved:*</Event>' +
        '<Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></QueueConfiguration>' +
        '</NotificationConfiguration>',
    );
    expect(writeXml(notificationConfigurationXml([]))).toBe(`${DECL}<NotificationConfiguration ${NS}/>`);
  });
});
