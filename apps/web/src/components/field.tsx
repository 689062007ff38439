import type { InputHTMLAttributes } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
};

/** A field's validation messages, announced to assistive tech; nothing without any. */
export function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.length ? (
    <span className="field-error" id={id} role="alert">
      {errors.join(" ")}
    </span>
  ) : null;
}

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
      <FieldError id={errorId} errors={errors} />
    </label>
  );
}

export interface CheckboxOption {
  value: string;
  description: string;
  checked?: boolean;
}

/**
 * A group of checkboxes sent as one multi-valued form field (`name`), each
 * value shown as code with its description, and the group's validation
 * messages under it.
 */
export function CheckboxGroup({ legend, name, options, errors }: { legend: string; name: string; options: readonly CheckboxOption[]; errors?: string[] }) {
  const errorId = `${name}-error`;
  const idOf = (value: string) => `${name}-${value.replace(/\W/g, "-")}`;
  return (
    <fieldset className="fieldset" aria-describedby={errors?.length ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="check-grid">
        {options.map((option) => (
          <div className="check" key={option.value}>
            <input id={idOf(option.value)} type="checkbox" name={name} value={option.value} defaultChecked={option.checked} aria-describedby={`${idOf(option.value)}-hint`} />
            <label htmlFor={idOf(option.value)}>
              <code>{option.value}</code>
            </label>
            <span className="hint" id={`${idOf(option.value)}-hint`}>
              {option.description}
            </span>
          </div>
        ))}
      </div>
      <FieldError id={errorId} errors={errors} />
    </fieldset>
  );
}
