import { describe, expect, it } from 'vitest';
import { interpolate, InterpolationError, parseTemplate, resolveTemplate, type TemplatePart } from '../../src/parse/interpolate.js';

const sp = (start: number, end: number) => ({ start, end });

// The mapping every compose-go template test uses.
const defaults = { FOO: 'first', BAR: '' };

function errorOf(fn: () => unknown): InterpolationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InterpolationError);
    return error as InterpolationError;
  }
  throw new Error('expected an InterpolationError');
}

// compose-go template/template_test.go: TestEscaped, TestSubstituteNoMatch, TestUnescaped, TestNonBraced,
// TestNoValueNoDefault, TestValueNoDefault, TestNoValueWithDefault, TestEmptyValueWithSoftDefault,
// TestValueWithSoftDefault, TestEmptyValueWithHardDefault, TestPresentValue*, TestNonAlphanumericDefault,
// TestInterpolationExternalInterference, TestDefaultsWithNestedExpansion, TestDefaultsForMandatoryVariables,
// TestPrecedence (the cases without an error).
const substituted: [template: string, expected: string][] = [
  ['$${foo}', '${foo}'],
  ['foo', 'foo'],
  ['a $ string', 'a $ string'],
  ['^REGEX$', '^REGEX$'],
  ['$}', '$}'],
  ['$', '$'],
  ['$FOO-bar', 'first-bar'],
  ['This ${missing} var', 'This  var'],
  ['This ${BAR} var', 'This  var'],
  ['This $FOO var', 'This first var'],
  ['This ${FOO} var', 'This first var'],
  ['ok ${missing:-def}', 'ok def'],
  ['ok ${missing-def}', 'ok def'],
  ['ok ${BAR:-def}', 'ok def'],
  ['ok ${FOO:-def}', 'ok first'],
  ['ok ${BAR-def}', 'ok '],
  ['ok ${UNSET_VAR:+presence_value}', 'ok '],
  ['ok ${UNSET_VAR+presence_value}', 'ok '],
  ['ok ${FOO:+presence_value}', 'ok presence_value'],
  ['ok ${FOO+presence_value}', 'ok presence_value'],
  ['ok ${BAR+presence_value}', 'ok presence_value'],
  ['ok ${BAR:+presence_value}', 'ok '],
  ['ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'],
  ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
  ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
  ['-ok ${FOO:-defaultValue}', '-ok first'],
  [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
  [':-ok ${BAR-defaultValue}', ':-ok '],
  [':?ok ${BAR-defaultValue}', ':?ok '],
  [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
  [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
  ['+ok ${BAR-defaultValue}', '+ok '],
  ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
  ['ok ${UNSET_VAR-$FOO}', 'ok first'],
  ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
  ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
  ['ok ${BAR:-$FOO}', 'ok first'],
  ['ok ${BAR:-${FOO}}', 'ok first'],
  ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
  ['ok ${BAR+$FOO}', 'ok first'],
  ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
  ['ok ${FOO:?err}', 'ok first'],
  ['ok ${FOO?err}', 'ok first'],
  ['ok ${BAR?err}', 'ok '],
  ['${UNSET_VAR-myerror?msg}', 'myerror?msg'],
  ['${FOO?bar-baz}', 'first'],
  ['${BAR:-default_value_for_empty_var}', 'default_value_for_empty_var'],
  ['${UNSET_VAR-default_value_for_unset_var}', 'default_value_for_unset_var'],
];

// compose-go template/template_test.go: TestInvalid.
const invalid = ['${', '${}', '${ }', '${ foo}', '${foo }', '${foo!}'];

// compose-go template/template_test.go: TestMandatoryVariableErrors,
// TestMandatoryVariableErrorsWithNestedExpansion, TestPrecedence (the error case).
const required: [template: string, variable: string, message: string][] = [
  ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
  ['not ok ${BAR:?Mandatory Variable Empty}', 'BAR', 'required variable BAR is missing a value: Mandatory Variable Empty'],
  ['not ok ${UNSET_VAR:?}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value'],
  ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
  ['not ok ${UNSET_VAR?}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value'],
  ['not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value: Mandatory Variable first'],
  ['not ok ${UNSET_VAR?Mandatory Variable ${FOO}}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value: Mandatory Variable first'],
  ['${UNSET_VAR?bar-baz}', 'UNSET_VAR', 'required variable UNSET_VAR is missing a value: bar-baz'],
];

describe('interpolate', () => {
  it.each(substituted)('%j', (template, expected) => {
    expect(interpolate(template, defaults)).toBe(expected);
  });

  it.each(invalid)('rejects %j as an invalid template', (template) => {
    const error = errorOf(() => interpolate(template, defaults));
    expect(error.message).toBe(`Invalid template: ${JSON.stringify(template)}`);
    expect(error.offset).toBe(0);
    expect(error.variable).toBeNull();
  });

  it.each(required)('%j fails for a missing required value', (template, variable, message) => {
    const error = errorOf(() => interpolate(template, defaults));
    expect(error.message).toBe(message);
    expect(error.variable).toBe(variable);
    expect(error.offset).toBe(template.indexOf('${'));
  });

  it('words a required-variable error like compose', () => {
    expect(() => interpolate('${API_PORT:?set it}:3000', {})).toThrow('required variable API_PORT is missing a value: set it');
  });

  // Not from a reference test file: behaviours that follow from compose-go's code.
  it('expands a default only when it is used', () => {
    expect(interpolate('${FOO:-${ }}', defaults)).toBe('first');
    expect(interpolate('${FOO:?${ }}', defaults)).toBe('first');
    expect(errorOf(() => interpolate('${UNSET:-${ }}', defaults)).offset).toBe(9);
  });

  it('reports the offset of an invalid reference', () => {
    const error = errorOf(() => interpolate('ok ${foo }', defaults));
    expect(error.message).toBe('Invalid template: "ok ${foo }"');
    expect(error.offset).toBe(3);
  });

  it('does not let a braced reference cross a newline', () => {
    expect(() => interpolate('${A:-x\n}', {})).toThrow(InterpolationError);
    expect(interpolate('${A:-x}\n}', {})).toBe('x\n}');
  });

  it('closes a braced reference at the first balanced brace', () => {
    expect(interpolate('${A:-{x}}', {})).toBe('{x}');
    expect(interpolate('${A:-x}}', {})).toBe('x}');
    expect(interpolate('${A:-${B:-5000}}:3000', {})).toBe('5000:3000');
  });

  it('treats undefined as unset and ignores inherited properties', () => {
    expect(interpolate('${FOO-d}', { FOO: undefined })).toBe('d');
    expect(interpolate('[${constructor}][${toString-x}]', {})).toBe('[][x]');
  });

  it('matches names case-sensitively but accepts any case', () => {
    expect(interpolate('$foo ${Foo_1}', { foo: 'a', Foo_1: 'b', FOO: 'c' })).toBe('a b');
  });
});

describe('parseTemplate', () => {
  it('gives the offsets of a variable and its default', () => {
    expect(parseTemplate('${API_PORT:-5000}:3000')).toEqual([
      {
        kind: 'variable',
        name: 'API_PORT',
        nameSpan: sp(2, 10),
        span: sp(0, 17),
        braced: true,
        operator: ':-',
        operand: { text: '5000', span: sp(12, 16), parts: [{ kind: 'literal', value: '5000', span: sp(12, 16) }] },
      },
      { kind: 'literal', value: ':3000', span: sp(17, 22) },
    ] satisfies TemplatePart[]);
  });

  it('parses an unbraced variable', () => {
    expect(parseTemplate('$API_PORT:3000')).toEqual([
      {
        kind: 'variable',
        name: 'API_PORT',
        nameSpan: sp(1, 9),
        span: sp(0, 9),
        braced: false,
        operator: null,
        operand: null,
      },
      { kind: 'literal', value: ':3000', span: sp(9, 14) },
    ] satisfies TemplatePart[]);
  });

  it('gives absolute offsets inside nested defaults', () => {
    expect(parseTemplate('${A:-${B:-5000}}')).toEqual([
      {
        kind: 'variable',
        name: 'A',
        nameSpan: sp(2, 3),
        span: sp(0, 16),
        braced: true,
        operator: ':-',
        operand: {
          text: '${B:-5000}',
          span: sp(5, 15),
          parts: [
            {
              kind: 'variable',
              name: 'B',
              nameSpan: sp(7, 8),
              span: sp(5, 15),
              braced: true,
              operator: ':-',
              operand: { text: '5000', span: sp(10, 14), parts: [{ kind: 'literal', value: '5000', span: sp(10, 14) }] },
            },
          ],
        },
      },
    ] satisfies TemplatePart[]);
  });

  it('unescapes $$ in literals but keeps the written span', () => {
    expect(parseTemplate('a$$b')).toEqual([{ kind: 'literal', value: 'a$b', span: sp(0, 4) }]);
  });

  it('marks an unreadable ${ and carries on after it', () => {
    expect(parseTemplate('${foo }')).toEqual([
      { kind: 'invalid', span: sp(0, 2) },
      { kind: 'literal', value: 'foo }', span: sp(2, 7) },
    ] satisfies TemplatePart[]);
    expect(parseTemplate('${A-${B}')).toEqual([
      {
        kind: 'variable',
        name: 'A',
        nameSpan: sp(2, 3),
        span: sp(0, 8),
        braced: true,
        operator: '-',
        operand: {
          text: '${B',
          span: sp(4, 7),
          parts: [
            { kind: 'invalid', span: sp(4, 6) },
            { kind: 'literal', value: 'B', span: sp(6, 7) },
          ],
        },
      },
    ] satisfies TemplatePart[]);
  });

  // compose-go template/template_test.go, TestSubstitutionFunctionChoice: the operator is the one
  // written right after the name, whatever follows in the word.
  it.each([
    ['VARNAME:?val?ue', ':?', 'val?ue'],
    ['VARNAME?val:?ue', '?', 'val:?ue'],
    ['VARNAME?va-lu+e:?e', '?', 'va-lu+e:?e'],
    ['VARNAME?va+lu-e:?e', '?', 'va+lu-e:?e'],
    ['VARNAME:-value', ':-', 'value'],
    ['VARNAME-va:-lu:?e', '-', 'va:-lu:?e'],
    ['VARNAME-va+lu?e', '-', 'va+lu?e'],
    ['VARNAME-va?lu+e', '-', 'va?lu+e'],
    ['VARNAME:+va:?lu:-e', ':+', 'va:?lu:-e'],
    ['VARNAME+va:+lue', '+', 'va:+lue'],
    ['VARNAME+va?lu-e', '+', 'va?lu-e'],
    ['VARNAME+va-lu?e', '+', 'va-lu?e'],
  ])('${%s} uses %j', (inner, operator, word) => {
    const [part] = parseTemplate(`\${${inner}}`);
    expect(part).toMatchObject({ kind: 'variable', name: 'VARNAME', operator, operand: { text: word } });
  });

  // compose-go template/template_test.go, TestExtractVariables: name, operator and word of each variable.
  it.each([
    ['$bar', [['bar', null, null]]],
    ['${bar}', [['bar', null, null]]],
    ['${bar?:foo}', [['bar', '?', ':foo']]],
    ['${bar?foo}', [['bar', '?', 'foo']]],
    ['${bar:-foo}', [['bar', ':-', 'foo']]],
    ['${bar-foo}', [['bar', '-', 'foo']]],
    ['${fruit:-banana}', [['fruit', ':-', 'banana']]],
    [
      '$docker:${project:-cli}',
      [
        ['docker', null, null],
        ['project', ':-', 'cli'],
      ],
    ],
    ['$toto', [['toto', null, null]]],
    ['${bar:+foo}', [['bar', ':+', 'foo']]],
    ['${bar+foo}', [['bar', '+', 'foo']]],
  ])('%j', (template, expected) => {
    const variables = parseTemplate(template).flatMap((p) => (p.kind === 'variable' ? [[p.name, p.operator, p.operand?.text ?? null]] : []));
    expect(variables).toEqual(expected);
  });
});

describe('resolveTemplate', () => {
  it('reports a variable with no value and no default as unresolved', () => {
    expect(resolveTemplate('${API_PORT}', {})).toEqual({
      value: null,
      resolved: false,
      variables: ['API_PORT'],
      missing: ['API_PORT'],
      error: null,
    });
  });

  it('resolves through a default, or a value that is set but empty', () => {
    expect(resolveTemplate('${API_PORT:-5000}:3000', {})).toEqual({
      value: '5000:3000',
      resolved: true,
      variables: ['API_PORT'],
      missing: [],
      error: null,
    });
    expect(resolveTemplate('${API_PORT}', { API_PORT: '' })).toMatchObject({ value: '', resolved: true });
    expect(resolveTemplate('${UNSET:+x}', {})).toMatchObject({ value: '', resolved: true });
  });

  it('lists variables of unused defaults but only counts evaluated ones as missing', () => {
    expect(resolveTemplate('${A:-${B}}', { A: '1' })).toMatchObject({
      value: '1',
      resolved: true,
      variables: ['A', 'B'],
      missing: [],
    });
    expect(resolveTemplate('${A:-${B}}$B$B', {})).toMatchObject({
      value: null,
      resolved: false,
      variables: ['A', 'B'],
      missing: ['B'],
    });
  });

  it('returns the error instead of throwing', () => {
    const result = resolveTemplate('${API_PORT:?set it}', {});
    expect(result).toMatchObject({ value: null, resolved: false, variables: ['API_PORT'], missing: [] });
    expect(result.error?.message).toBe('required variable API_PORT is missing a value: set it');
    expect(resolveTemplate('${', {}).error?.message).toBe('Invalid template: "${"');
  });
});
