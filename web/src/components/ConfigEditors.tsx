import type { ReactNode } from 'react';
import {
  ARN_TARGETS,
  CORS_METHODS,
  corsFromForm,
  corsProblems,
  corsToForm,
  INVENTORY_FIELDS,
  inventoryFromForm,
  inventoryProblems,
  inventoryToForm,
  newCorsRule,
  newNotificationRule,
  NOTIFICATION_EVENTS,
  notificationProblems,
  notificationsFromForm,
  notificationsToForm,
  TARGET_SCHEMES,
  TARGET_TYPES,
  type CorsRuleForm,
  type InventoryForm,
  type NotificationRuleForm,
  type Problems,
  type TargetType,
} from '../lib/bucket-config';
import { Field } from './ui';

/** A configuration edited as a form: JSON ↔ form values, the form's problems, and the form itself. */
export interface StructuredConfig<F> {
  toForm(json: unknown): F;
  fromForm(form: F): unknown;
  problems(form: F): Problems;
  Editor(props: { value: F; onChange: (f: F) => void; problems: Problems }): ReactNode;
}

/** Checkboxes of a fixed set of values (methods, events, report columns). */
function CheckGroup({
  legend,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  options: readonly string[];
  value: string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  return (
    <fieldset className="field check-group">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} className="check">
          <input
            type="checkbox"
            checked={value.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))}
          />{' '}
          {o}
        </label>
      ))}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}

/** A list of rules, each in its own box with a Remove button, and an Add button. */
function RuleList<R>({
  noun,
  rules,
  onChange,
  make,
  problems,
  children,
}: {
  noun: string;
  rules: R[];
  onChange: (r: R[]) => void;
  make: () => R;
  problems: Problems;
  children: (rule: R, set: (patch: Partial<R>) => void, i: number) => ReactNode;
}) {
  return (
    <div className="rule-list">
      {rules.map((r, i) => (
        <fieldset className="panel rule" key={i}>
          <legend>
            {noun[0].toUpperCase() + noun.slice(1)} {i + 1}
          </legend>
          {children(r, (patch) => onChange(rules.map((x, j) => (j === i ? { ...x, ...patch } : x))), i)}
          <button type="button" className="btn btn-small" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
            Remove {noun} {i + 1}
          </button>
        </fieldset>
      ))}
      {problems.rules && (
        <div className="field-error" role="alert">
          {problems.rules}
        </div>
      )}
      <button type="button" className="btn" onClick={() => onChange([...rules, make()])}>
        Add {noun}
      </button>
    </div>
  );
}

type Input = { target: { value: string } };

function CorsEditor({ value, onChange, problems }: { value: CorsRuleForm[]; onChange: (f: CorsRuleForm[]) => void; problems: Problems }) {
  return (
    <RuleList noun="CORS rule" rules={value} onChange={onChange} make={newCorsRule} problems={problems}>
      {(r, set, i) => {
        const text = (k: keyof CorsRuleForm) => (e: Input) => set({ [k]: e.target.value } as Partial<CorsRuleForm>);
        return (
          <div className="form-grid">
            <Field label={`Rule ${i + 1} ID`} error={problems[`${i}.id`]}>
              {(id) => <input id={id} value={r.id} onChange={text('id')} placeholder="optional" />}
            </Field>
            <Field label={`Rule ${i + 1} allowed origins`} hint="One a line; * for any" error={problems[`${i}.origins`]}>
              {(id) => <textarea id={id} rows={2} value={r.origins} onChange={text('origins')} placeholder="https://app.example.com" />}
            </Field>
            <CheckGroup
              legend={`Rule ${i + 1} allowed methods`}
              options={CORS_METHODS}
              value={r.methods}
              onChange={(methods) => set({ methods })}
              error={problems[`${i}.methods`]}
            />
            <Field label={`Rule ${i + 1} allowed headers`} hint="One a line; * for any" error={problems[`${i}.allowedHeaders`]}>
              {(id) => <textarea id={id} rows={2} value={r.allowedHeaders} onChange={text('allowedHeaders')} />}
            </Field>
            <Field
              label={`Rule ${i + 1} exposed headers`}
              hint="Response headers scripts may read, e.g. ETag"
              error={problems[`${i}.exposeHeaders`]}
            >
              {(id) => <textarea id={id} rows={2} value={r.exposeHeaders} onChange={text('exposeHeaders')} />}
            </Field>
            <Field label={`Rule ${i + 1} max age (seconds)`} error={problems[`${i}.maxAge`]}>
              {(id) => <input id={id} inputMode="numeric" value={r.maxAge} onChange={text('maxAge')} />}
            </Field>
          </div>
        );
      }}
    </RuleList>
  );
}

const TARGET_HINT: Record<TargetType, string> = {
  webhook: 'POSTs each event as JSON',
  redis: 'PUBLISH to a channel or RPUSH to a list',
  rabbitmq: 'publishes to an exchange',
  mqtt: 'publishes to a topic',
  nats: 'publishes to a subject',
  queue: 'S3 API: an SQS-style ARN',
  topic: 'S3 API: an SNS-style ARN',
  lambda: 'S3 API: a Lambda-style ARN',
};

function NotificationsEditor({
  value,
  onChange,
  problems,
}: {
  value: NotificationRuleForm[];
  onChange: (f: NotificationRuleForm[]) => void;
  problems: Problems;
}) {
  return (
    <RuleList noun="notification rule" rules={value} onChange={onChange} make={newNotificationRule} problems={problems}>
      {(r, set, i) => {
        const text = (k: keyof NotificationRuleForm) => (e: Input) => set({ [k]: e.target.value } as Partial<NotificationRuleForm>);
        const err = (k: string) => problems[`${i}.${k}`];
        const n = `Rule ${i + 1}`;
        return (
          <div className="form-grid">
            <Field label={`${n} ID`} error={err('id')}>
              {(id) => <input id={id} value={r.id} onChange={text('id')} placeholder="generated when empty" />}
            </Field>
            <Field label={`${n} target type`} hint={TARGET_HINT[r.type]}>
              {(id) => (
                <select id={id} value={r.type} onChange={(e) => set({ type: e.target.value as TargetType })}>
                  {TARGET_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              )}
            </Field>
            {ARN_TARGETS.includes(r.type) ? (
              <Field label={`${n} ARN`} error={err('arn')}>
                {(id) => <input id={id} value={r.arn} onChange={text('arn')} />}
              </Field>
            ) : (
              <Field label={`${n} URL`} error={err('url')}>
                {(id) => <input id={id} value={r.url} onChange={text('url')} placeholder={`${TARGET_SCHEMES[r.type]?.[0]}://…`} />}
              </Field>
            )}
            {r.type === 'webhook' && (
              <>
                <Field label={`${n} extra headers`} hint="Name: value, one a line" error={err('headers')}>
                  {(id) => <textarea id={id} rows={2} value={r.headers} onChange={text('headers')} />}
                </Field>
                <Field
                  label={`${n} signing secret`}
                  hint={
                    r.secretSet
                      ? 'A secret is set: type it again to keep signing (saving replaces the rules)'
                      : 'Each POST carries X-Signature-256; never shown again'
                  }
                >
                  {(id) => <input id={id} type="password" autoComplete="off" value={r.secret} onChange={text('secret')} />}
                </Field>
              </>
            )}
            {r.type === 'redis' && (
              <>
                <Field label={`${n} redis delivery`}>
                  {(id) => (
                    <select id={id} value={r.redisMode} onChange={(e) => set({ redisMode: e.target.value as 'channel' | 'key' })}>
                      <option value="channel">PUBLISH to a channel</option>
                      <option value="key">RPUSH to a list key</option>
                    </select>
                  )}
                </Field>
                <Field label={`${n} ${r.redisMode === 'key' ? 'list key' : 'channel'}`} error={err('redisName')}>
                  {(id) => <input id={id} value={r.redisName} onChange={text('redisName')} />}
                </Field>
              </>
            )}
            {r.type === 'rabbitmq' && (
              <>
                <Field label={`${n} exchange`} hint="Empty: the default exchange">
                  {(id) => <input id={id} value={r.exchange} onChange={text('exchange')} />}
                </Field>
                <Field label={`${n} routing key`} error={err('routingKey')}>
                  {(id) => <input id={id} value={r.routingKey} onChange={text('routingKey')} />}
                </Field>
              </>
            )}
            {r.type === 'mqtt' && (
              <>
                <Field label={`${n} topic`} error={err('topic')}>
                  {(id) => <input id={id} value={r.topic} onChange={text('topic')} />}
                </Field>
                <Field label={`${n} QoS`}>
                  {(id) => (
                    <select id={id} value={r.qos} onChange={(e) => set({ qos: e.target.value as NotificationRuleForm['qos'] })}>
                      <option value="">default</option>
                      <option>0</option>
                      <option>1</option>
                      <option>2</option>
                    </select>
                  )}
                </Field>
              </>
            )}
            {r.type === 'nats' && (
              <>
                <Field label={`${n} subject`} error={err('subject')}>
                  {(id) => <input id={id} value={r.subject} onChange={text('subject')} />}
                </Field>
                <label className="check">
                  <input type="checkbox" checked={r.jetstream} onChange={(e) => set({ jetstream: e.target.checked })} /> Publish through
                  JetStream
                </label>
              </>
            )}
            <CheckGroup
              legend={`${n} events`}
              options={NOTIFICATION_EVENTS}
              value={r.events}
              onChange={(events) => set({ events })}
              error={err('events')}
            />
            <Field label={`${n} key prefix`}>
              {(id) => <input id={id} value={r.prefix} onChange={text('prefix')} placeholder="images/" />}
            </Field>
            <Field label={`${n} key suffix`}>
              {(id) => <input id={id} value={r.suffix} onChange={text('suffix')} placeholder=".jpg" />}
            </Field>
          </div>
        );
      }}
    </RuleList>
  );
}

function InventoryEditor({
  value: f,
  onChange,
  problems,
}: {
  value: InventoryForm;
  onChange: (f: InventoryForm) => void;
  problems: Problems;
}) {
  const text = (k: keyof InventoryForm) => (e: Input) => onChange({ ...f, [k]: e.target.value });
  return (
    <div className="form-grid">
      <Field label="Inventory ID" error={problems.id}>
        {(id) => <input id={id} value={f.id} onChange={text('id')} />}
      </Field>
      <Field label="Destination bucket" hint="A bucket of the same tenant" error={problems.destination}>
        {(id) => <input id={id} value={f.destination} onChange={text('destination')} />}
      </Field>
      <Field label="Report key prefix" hint="Reports go to <prefix>/<bucket>/<time>.csv" error={problems.prefix}>
        {(id) => <input id={id} value={f.prefix} onChange={text('prefix')} />}
      </Field>
      <Field label="Schedule">
        {(id) => (
          <select id={id} value={f.schedule} onChange={text('schedule')}>
            <option>Daily</option>
            <option>Weekly</option>
          </select>
        )}
      </Field>
      <Field label="Versions">
        {(id) => (
          <select id={id} value={f.includedVersions} onChange={text('includedVersions')}>
            <option value="Current">Current versions</option>
            <option value="All">All versions and delete markers</option>
          </select>
        )}
      </Field>
      <label className="check">
        <input type="checkbox" checked={f.enabled} onChange={(e) => onChange({ ...f, enabled: e.target.checked })} /> Scheduled reports
        enabled
      </label>
      <CheckGroup
        legend="Report columns (after the key)"
        options={INVENTORY_FIELDS}
        value={f.fields}
        onChange={(fields) => onChange({ ...f, fields })}
      />
    </div>
  );
}

export const CORS_CONFIG: StructuredConfig<CorsRuleForm[]> = {
  toForm: corsToForm,
  fromForm: corsFromForm,
  problems: corsProblems,
  Editor: CorsEditor,
};
export const NOTIFICATIONS_CONFIG: StructuredConfig<NotificationRuleForm[]> = {
  toForm: notificationsToForm,
  fromForm: notificationsFromForm,
  problems: notificationProblems,
  Editor: NotificationsEditor,
};
export const INVENTORY_CONFIG: StructuredConfig<InventoryForm> = {
  toForm: inventoryToForm,
  fromForm: inventoryFromForm,
  problems: inventoryProblems,
  Editor: InventoryEditor,
};
