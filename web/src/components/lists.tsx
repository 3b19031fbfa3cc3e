import type { ReactNode } from 'react';
import type { Paged } from '../api/types';
import { Confirm, ErrorMessage, Loading, Modal, Pager, useAction } from './ui';

/** What useLoad gives for a page of a list (the table only reads it). */
export interface LoadedPage<T> {
  data?: Paged<T>;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * A page of an API list as a table: its error (with Retry), a loading state, the header, one row
 * per item, an empty state and the pager. The pages differ only in their columns and rows.
 */
export function PagedTable<T>({
  list,
  columns,
  row,
  empty,
  page,
  onPage,
  label,
}: {
  list: LoadedPage<T>;
  /** Column headers; a `null` header is hidden (an action column gets a screen-reader label instead). */
  columns: (ReactNode | { label: string; num?: boolean; srOnly?: boolean } | false)[];
  row: (item: T) => ReactNode;
  empty: ReactNode;
  page?: number;
  onPage?: (p: number) => void;
  label?: string;
}) {
  const rows = list.data?.data ?? [];
  return (
    <>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table aria-label={label}>
            <thead>
              <tr>
                {columns.map((c, i) =>
                  c === false ? null : isColumn(c) ? (
                    <th key={i} className={c.num ? 'num' : undefined}>
                      {c.srOnly ? <span className="sr-only">{c.label}</span> : c.label}
                    </th>
                  ) : (
                    <th key={i}>{c}</th>
                  ),
                )}
              </tr>
            </thead>
            <tbody>{rows.map(row)}</tbody>
          </table>
          {list.data && rows.length === 0 && <div className="empty">{empty}</div>}
        </div>
      )}
      {list.data && page !== undefined && onPage && <Pager page={page} totalPages={list.data.pagination.total_pages} onPage={onPage} />}
    </>
  );
}

function isColumn(c: unknown): c is { label: string; num?: boolean; srOnly?: boolean } {
  return !!c && typeof c === 'object' && 'label' in (c as object) && !('$$typeof' in (c as object));
}

/**
 * Deleting a named thing (bucket, tenant, provider): the consequence in words, the name typed to
 * confirm, then the API call and the list reloaded. Errors stay in the dialog, in the API's words.
 */
export function DeleteNamed({
  kind,
  name,
  message,
  onDelete,
  onDone,
  onClose,
}: {
  kind: string;
  name: string;
  message: ReactNode;
  onDelete: () => Promise<unknown>;
  onDone: () => void;
  onClose: () => void;
}) {
  return (
    <Confirm
      title={`Delete ${kind} ${name}`}
      message={message}
      confirmText={name}
      action={`Delete ${kind}`}
      onConfirm={async () => {
        await onDelete();
        onDone();
      }}
      onClose={onClose}
    />
  );
}

/** The create/edit form of a list's item, shown while `editing` is set; saving closes it and reloads the list. */
export function EditorSlot<T>({
  editing,
  setEditing,
  reload,
  render,
}: {
  editing: T | 'new' | null;
  setEditing: (v: T | 'new' | null) => void;
  reload: () => void;
  render: (item: T | undefined, done: { onClose: () => void; onSaved: () => void }) => ReactNode;
}) {
  if (!editing) return null;
  return (
    <>
      {render(editing === 'new' ? undefined : editing, {
        onClose: () => setEditing(null),
        onSaved: () => {
          setEditing(null);
          reload();
        },
      })}
    </>
  );
}

/**
 * A dialog holding one form: fields, the API's error, Cancel and the submit button (busy while the
 * call runs). `onSubmit` makes the call; a thrown ApiError stays in the dialog in the API's words.
 */
export function FormModal({
  title,
  submit,
  busyLabel = 'Saving…',
  disabled,
  onSubmit,
  onClose,
  error,
  wide,
  children,
}: {
  title: string;
  submit: string;
  busyLabel?: string;
  disabled?: boolean;
  onSubmit: () => Promise<unknown>;
  onClose: () => void;
  /** An error of the form's own (e.g. a list it loads), shown with the API's. */
  error?: unknown;
  wide?: boolean;
  children: ReactNode;
}) {
  const action = useAction();
  return (
    <Modal title={title} onClose={onClose} wide={wide}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(onSubmit);
        }}
      >
        <div className="modal-body">
          {children}
          <ErrorMessage error={action.error || error} />
        </div>
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.busy || disabled}>
            {action.busy ? busyLabel : submit}
          </button>
        </div>
      </form>
    </Modal>
  );
}
