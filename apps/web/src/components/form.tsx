import { ReactNode, useId } from 'react';

/** A labelled input with the API's message for that field right below it (and announced by screen readers). */
export function Field(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  type?: string;
  name?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  placeholder?: string;
  hint?: string;
  /** A date typed in part (the browser then holds no value): told on each change and on leaving the field. */
  onIncomplete?(incomplete: boolean): void;
}) {
  const id = useId();
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => {
          props.onChange(event.target.value);
          props.onIncomplete?.(event.target.validity.badInput);
        }}
        onBlur={(event) => props.onIncomplete?.(event.target.validity.badInput)}
      />
      {props.hint && <small id={`${id}-hint`} className="hint">{props.hint}</small>}
      {props.error && <FieldError id={`${id}-error`} message={props.error} />}
    </div>
  );
}

export function SelectField(props: { label: string; value: string; onChange(value: string): void; options: { value: string; label: string }[]; error?: string; name?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${id}-error` : undefined} onChange={(event) => props.onChange(event.target.value)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error && <FieldError id={`${id}-error`} message={props.error} />}
    </div>
  );
}

/** A refusal, in the page's language (the session translates the API's codes). */
export function FieldError({ id, message }: { id?: string; message: string }) {
  return (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}

export function FormMessage({ error, success }: { error?: string; success?: ReactNode }) {
  if (error) return <FieldError message={error} />;
  if (success) return <p className="form-success" role="status">{success}</p>;
  return null;
}
