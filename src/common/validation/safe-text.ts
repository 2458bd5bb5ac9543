import { registerDecorator, ValidationOptions } from 'class-validator';

// C0/C1 control characters (NUL included) and bidirectional overrides/isolates, which make
// text display differently from what it is (e.g. "moc.elgoog@" shown as "@google.com").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE_CHARACTERS.test(value);
}

/** A string free of control characters and bidi overrides. */
export function IsSafeText(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSafeText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !hasUnsafeCharacters(value),
        defaultMessage: (args) =>
          `${args?.property} must not contain control or text-direction characters`,
      },
    });
}
