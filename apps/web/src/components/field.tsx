import type { InputHTMLAttributes } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
};

/** A labelled input with its validation messages announced to assistive tech. */
export function Field({ label, name, errors, hint, ...input }: FieldProps) {
  const errorId = `${name}-error`;
  const invalid = Boolean(errors?.length);
  return (
    <label className="field">
      {label}
      <input
        className="input"
        name={name}
        aria-invalid={invalid}
        aria-describedby={invalid ? errorId : undefined}
        {...input}
      />
      {hint && !invalid ? <span className="hint">{hint}</span> : null}
      {invalid ? (
        <span className="field-error" id={errorId} role="alert">
          {errors?.join(" ")}
        </span>
      ) : null}
    </label>
  );
}
