import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../accounts/users';

/**
 * The form fields every page uses, so a label, its hint and its error are always wired the same way
 * for screen readers: the control names the hint and the error in aria-describedby and is aria-invalid
 * while it has an error. A field named `x` has the id `f-x`, its hint `f-x-hint` and its error `f-x-error`,
 * which is what the error summary links to.
 */

export const fieldId = (name: string) => `f-${name}`;

/** The ids a control points to, or undefined when there are none (so no empty attribute is written). */
export function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

interface FieldFrame {
  name: string;
  label: string;
  /** Defaults to `f-<name>`; search forms keep their short ids. */
  id?: string;
  hint?: string;
  error?: string;
}

/** The aria attributes of a control with the given hint and error. */
function aria(id: string, props: FieldFrame) {
  return {
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(props.hint && `${id}-hint`, props.error && `${id}-error`),
  };
}

/** The message under a control; `id` is the control's. */
export function FieldError(props: { id: string; error?: string }) {
  return props.error ? <p class="error" id={`${props.id}-error`}>{props.error}</p> : null;
}

function FieldShell(props: FieldFrame & { id: string; children: ComponentChildren }) {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${props.id}-hint`}>{props.hint}</p> : null}
      {props.children}
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** A labelled one-line input with its hint and error. */
export function Field(props: FieldFrame & {
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  inputmode?: 'decimal' | 'numeric';
  min?: number;
  max?: number;
  step?: number;
  maxLength?: number;
  placeholder?: string;
}) {
  const id = props.id ?? fieldId(props.name);
  return (
    <FieldShell {...props} id={id}>
      <input
        id={id} name={props.name} type={props.type ?? 'text'} value={props.value ?? ''} placeholder={props.placeholder}
        inputMode={props.inputmode} min={props.min} max={props.max} step={props.step} maxLength={props.maxLength}
        autocomplete={props.autocomplete} required={props.required} {...aria(id, props)}
      />
    </FieldShell>
  );
}

/** A labelled multi-line input with its hint and error. */
export function TextArea(props: FieldFrame & { value: string; rows?: number; maxLength?: number }) {
  const id = props.id ?? fieldId(props.name);
  return (
    <FieldShell {...props} id={id}>
      <textarea id={id} name={props.name} rows={props.rows ?? 6} maxLength={props.maxLength} {...aria(id, props)}>{props.value}</textarea>
    </FieldShell>
  );
}

export type SelectOption = string | { value: string; label: string };

/** A labelled select with its hint and error. */
export function SelectField(props: FieldFrame & {
  value: string;
  options: readonly SelectOption[];
  /** A stored value missing from the list stays selectable, so saving the form never changes it silently. */
  keepUnlisted?: boolean;
  /** The browser's zone is filled in by app.js. */
  detectTimezone?: boolean;
}) {
  const id = props.id ?? fieldId(props.name);
  const options = props.options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  if (props.keepUnlisted && props.value && !options.some((o) => o.value === props.value)) options.unshift({ value: props.value, label: props.value });
  return (
    <FieldShell {...props} id={id}>
      <select id={id} name={props.name} data-detect-timezone={props.detectTimezone} {...aria(id, props)}>
        {options.map((o) => <option key={o.value} value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
    </FieldShell>
  );
}

/**
 * Every message at the top, each linking to its field, announced when the page loads. Messages link
 * to `f-<key>` (the `form` message, which belongs to no field, is plain), or only to the fields in
 * `ids` when it is given.
 */
export function ErrorSummary(props: {
  errors: FieldErrors;
  labels: Record<string, string>;
  ids?: Record<string, string>;
  /** What the person does once the fields are corrected: "save" or "send". */
  retry: string;
}) {
  const entries = Object.entries(props.errors).filter(([, m]) => m);
  if (entries.length === 0) return null;
  const target = (key: string) => (props.ids ? props.ids[key] : key === 'form' ? undefined : fieldId(key));
  return (
    // tabindex=-1 lets app.js move the focus here on load, as GOV.UK's error summary does: the page scrolls to it and it is read out.
    <div class="alert error-summary" role="alert" tabindex={-1} id="error-summary">
      <p><strong>Nothing was saved.</strong> Correct {entries.length === 1 ? 'this' : `these ${entries.length}`} and {props.retry} again:</p>
      <ul>
        {entries.map(([key, message]) => {
          const href = target(key);
          return <li key={key}>{href ? <a href={`#${href}`}>{props.labels[key] ?? key}: {message}</a> : message}</li>;
        })}
      </ul>
    </div>
  );
}
