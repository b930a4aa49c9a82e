import type {
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  HomeView,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextElement,
  PlainTextOption,
} from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateBlocks, validateView } from '../../src/sandbox/slack/blockkit.js';

const x = (n: number): string => 'x'.repeat(n);
const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const option = (text = 'One', value = 'one'): PlainTextOption => ({ text: plain(text), value });
const button = (over: Partial<Button> = {}): Button => ({
  type: 'button',
  text: plain('Go'),
  action_id: 'go',
  ...over,
});
const actions = (...elements: ActionsBlockElement[]): KnownBlock[] => [{ type: 'actions', elements }];
const dialog = (over: Partial<ConfirmationDialog> = {}): ConfirmationDialog => ({
  title: plain('Sure?'),
  text: plain('This fails over production.'),
  confirm: plain('Fail over'),
  deny: plain('Cancel'),
  ...over,
});
const sections = (n: number): KnownBlock[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'section', text: plain(`row ${i}`) }));
const inputBlock = (over: Partial<InputBlock> = {}): InputBlock => ({
  type: 'input',
  block_id: 'reason',
  label: plain('Reason'),
  element: { type: 'plain_text_input', action_id: 'reason_input', multiline: true },
  ...over,
});
const modal = (over: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'failover_confirm',
  title: plain('Confirm failover'),
  submit: plain('Fail over'),
  close: plain('Cancel'),
  blocks: [inputBlock()],
  ...over,
});
const error = (message: string, pointer: string): string => `[ERROR] ${message} [json-pointer:${pointer}]`;
const tooLong = (limit: number, pointer: string): string =>
  error(`must be less than ${limit + 1} characters`, pointer);
const tooMany = (limit: number, pointer: string): string =>
  error(`no more than ${limit} items allowed`, pointer);

describe('validateBlocks on valid payloads', () => {
  it('accepts a rich incident message built from KnownBlock fixtures', () => {
    // Prepare
    const blocks: KnownBlock[] = [
      { type: 'header', text: plain('🚨 Failover requested: orders-db') },
      {
        type: 'section',
        block_id: 'summary',
        text: { type: 'mrkdwn', text: '*Region* us-east-1 is *degraded*', verbatim: true },
        fields: [plain('RPO'), { type: 'mrkdwn', text: '*5 s*' }],
        accessory: button({ style: 'danger', value: 'exec-1', confirm: dialog({ style: 'danger' }) }),
      },
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'aws' },
          { type: 'mrkdwn', text: 'Requested by <@U123>' },
        ],
      },
      {
        type: 'actions',
        block_id: 'controls',
        elements: [
          button({ action_id: 'approve', style: 'primary' }),
          { type: 'static_select', action_id: 'region', options: [option(), option('Two', 'two')] },
          { type: 'overflow', action_id: 'more', options: [{ ...option(), url: 'https://example.com' }] },
          { type: 'datepicker', action_id: 'when', initial_date: '2025-01-31' },
          {
            type: 'checkboxes',
            action_id: 'ack',
            options: [{ text: { type: 'mrkdwn', text: '*ok*' }, value: 'ok' }],
          },
        ],
      },
      {
        type: 'image',
        image_url: 'https://example.com/graph.png',
        alt_text: 'latency',
        title: plain('Latency'),
      },
      {
        type: 'rich_text',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'Runbook step 1' }] }],
      },
    ];

    // Act
    const problems = validateBlocks(blocks, 'message');

    // Assert
    expect(problems).toEqual([]);
  });

  it('counts characters, not UTF-16 units, so 150 emoji fit in a header', () => {
    expect(validateBlocks([{ type: 'header', text: plain('🚨'.repeat(150)) }], 'message')).toEqual([]);
  });

  it('accepts a modal with inputs and a home view', () => {
    const home: HomeView = { type: 'home', blocks: sections(3), private_metadata: x(3000) };
    expect(validateView(modal())).toEqual([]);
    expect(validateView(home)).toEqual([]);
  });
});

interface LimitCase {
  readonly name: string;
  readonly limit: number;
  readonly run: (n: number) => string[];
  readonly expected: string;
}

const blocksCase = (
  name: string,
  limit: number,
  build: (n: number) => KnownBlock[],
  expected: string,
): LimitCase => ({
  name,
  limit,
  run: (n) => validateBlocks(build(n), 'message'),
  expected,
});
const modalCase = (
  name: string,
  limit: number,
  build: (n: number) => ModalView,
  expected: string,
): LimitCase => ({
  name,
  limit,
  run: (n) => validateView(build(n)),
  expected,
});
const confirmCase = (field: 'title' | 'text' | 'confirm' | 'deny', limit: number): LimitCase =>
  blocksCase(
    `confirm ${field}`,
    limit,
    (n) => actions(button({ confirm: dialog({ [field]: plain(x(n)) }) })),
    tooLong(limit, `/blocks/0/elements/0/confirm/${field}/text`),
  );

const LIMITS: readonly LimitCase[] = [
  blocksCase('blocks per message', 50, sections, tooMany(50, '/blocks')),
  modalCase('blocks per modal', 100, (n) => modal({ blocks: sections(n) }), tooMany(100, '/view/blocks')),
  blocksCase(
    'header text',
    150,
    (n) => [{ type: 'header', text: plain(x(n)) }],
    tooLong(150, '/blocks/0/text/text'),
  ),
  blocksCase(
    'section text',
    3000,
    (n) => [{ type: 'section', text: plain(x(n)) }],
    tooLong(3000, '/blocks/0/text/text'),
  ),
  blocksCase(
    'section fields',
    10,
    (n) => [{ type: 'section', fields: Array.from({ length: n }, () => plain('f')) }],
    tooMany(10, '/blocks/0/fields'),
  ),
  blocksCase(
    'section field text',
    2000,
    (n) => [{ type: 'section', fields: [plain(x(n))] }],
    tooLong(2000, '/blocks/0/fields/0/text'),
  ),
  blocksCase(
    'block_id',
    255,
    (n) => [{ type: 'divider', block_id: x(n) }],
    tooLong(255, '/blocks/0/block_id'),
  ),
  blocksCase(
    'action_id',
    255,
    (n) => actions(button({ action_id: x(n) })),
    tooLong(255, '/blocks/0/elements/0/action_id'),
  ),
  blocksCase(
    'actions elements',
    25,
    (n) => actions(...Array.from({ length: n }, (_, i) => button({ action_id: `b${i}` }))),
    tooMany(25, '/blocks/0/elements'),
  ),
  blocksCase(
    'context elements',
    10,
    (n) => [{ type: 'context', elements: Array.from({ length: n }, () => plain('c')) }],
    tooMany(10, '/blocks/0/elements'),
  ),
  blocksCase(
    'button text',
    75,
    (n) => actions(button({ text: plain(x(n)) })),
    tooLong(75, '/blocks/0/elements/0/text/text'),
  ),
  blocksCase(
    'button value',
    2000,
    (n) => actions(button({ value: x(n) })),
    tooLong(2000, '/blocks/0/elements/0/value'),
  ),
  blocksCase(
    'button url',
    3000,
    (n) => actions(button({ url: x(n) })),
    tooLong(3000, '/blocks/0/elements/0/url'),
  ),
  confirmCase('title', 100),
  confirmCase('text', 300),
  confirmCase('confirm', 30),
  confirmCase('deny', 30),
  blocksCase(
    'option text',
    75,
    (n) => actions({ type: 'static_select', options: [option(x(n))] }),
    tooLong(75, '/blocks/0/elements/0/options/0/text/text'),
  ),
  blocksCase(
    'option value',
    150,
    (n) => actions({ type: 'static_select', options: [option('One', x(n))] }),
    tooLong(150, '/blocks/0/elements/0/options/0/value'),
  ),
  blocksCase(
    'select options',
    100,
    (n) =>
      actions({
        type: 'static_select',
        options: Array.from({ length: n }, (_, i) => option(`o${i}`, `v${i}`)),
      }),
    tooMany(100, '/blocks/0/elements/0/options'),
  ),
  blocksCase(
    'overflow options',
    5,
    (n) =>
      actions({ type: 'overflow', options: Array.from({ length: n }, (_, i) => option(`o${i}`, `v${i}`)) }),
    tooMany(5, '/blocks/0/elements/0/options'),
  ),
  blocksCase(
    'checkbox options',
    10,
    (n) =>
      actions({ type: 'checkboxes', options: Array.from({ length: n }, (_, i) => option(`o${i}`, `v${i}`)) }),
    tooMany(10, '/blocks/0/elements/0/options'),
  ),
  blocksCase(
    'image alt_text',
    2000,
    (n) => [{ type: 'image', image_url: 'https://example.com/a.png', alt_text: x(n) }],
    tooLong(2000, '/blocks/0/alt_text'),
  ),
  blocksCase(
    'image image_url',
    3000,
    (n) => [{ type: 'image', image_url: x(n), alt_text: 'a' }],
    tooLong(3000, '/blocks/0/image_url'),
  ),
  modalCase(
    'input label',
    2000,
    (n) => modal({ blocks: [inputBlock({ label: plain(x(n)) })] }),
    tooLong(2000, '/view/blocks/0/label/text'),
  ),
  modalCase(
    'input hint',
    2000,
    (n) => modal({ blocks: [inputBlock({ hint: plain(x(n)) })] }),
    tooLong(2000, '/view/blocks/0/hint/text'),
  ),
  modalCase('modal title', 24, (n) => modal({ title: plain(x(n)) }), tooLong(24, '/view/title/text')),
  modalCase('modal submit', 24, (n) => modal({ submit: plain(x(n)) }), tooLong(24, '/view/submit/text')),
  modalCase('modal close', 24, (n) => modal({ close: plain(x(n)) }), tooLong(24, '/view/close/text')),
  modalCase('callback_id', 255, (n) => modal({ callback_id: x(n) }), tooLong(255, '/view/callback_id')),
  modalCase(
    'private_metadata',
    3000,
    (n) => modal({ private_metadata: x(n) }),
    tooLong(3000, '/view/private_metadata'),
  ),
  modalCase('external_id', 255, (n) => modal({ external_id: x(n) }), tooLong(255, '/view/external_id')),
];

describe('validateBlocks and validateView at Slack limits', () => {
  it.each(LIMITS)('accepts $name at its limit of $limit', ({ limit, run }) => {
    expect(run(limit)).toEqual([]);
  });

  it.each(LIMITS)('rejects $name one over its limit with the right pointer', ({ limit, run, expected }) => {
    expect(run(limit + 1)).toEqual([expected]);
  });
});

describe('validateBlocks on malformed payloads', () => {
  const cases: ReadonlyArray<readonly [string, unknown, 'message' | 'modal', string]> = [
    ['a non-array', { type: 'divider' }, 'message', error('must provide an array', '/blocks')],
    [
      'an unknown block type',
      [{ type: 'carousel_x' }],
      'message',
      error('unsupported type: carousel_x', '/blocks/0/type'),
    ],
    [
      'an unknown element type',
      [{ type: 'actions', elements: [{ type: 'slider', action_id: 's' }] }],
      'message',
      error('unsupported type: slider', '/blocks/0/elements/0/type'),
    ],
    [
      'an element the block does not accept',
      [{ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'p' }] }],
      'message',
      error('unsupported type: plain_text_input (not allowed in actions)', '/blocks/0/elements/0/type'),
    ],
    [
      'a block the surface does not accept',
      [{ type: 'file', external_id: 'f1', source: 'remote' }],
      'modal',
      error('unsupported type: file (not allowed in modal surfaces)', '/blocks/0/type'),
    ],
    [
      'a section with neither text nor fields',
      [{ type: 'section', accessory: button() }],
      'message',
      error('must define either `text` or `fields`', '/blocks/0/type'),
    ],
    [
      'a button without text',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'go' }] }],
      'message',
      error('missing required field: text', '/blocks/0/elements/0'),
    ],
    [
      'mrkdwn where only plain_text is allowed',
      [{ type: 'header', text: { type: 'mrkdwn', text: '*hi*' } }],
      'message',
      error('must be one of: plain_text', '/blocks/0/text/type'),
    ],
    [
      'an empty text',
      [{ type: 'section', text: plain('') }],
      'message',
      error('must be more than 0 characters', '/blocks/0/text/text'),
    ],
    [
      'a button style other than primary|danger',
      [{ type: 'actions', elements: [{ ...button(), style: 'secondary' }] }],
      'message',
      error('must be one of: primary, danger', '/blocks/0/elements/0/style'),
    ],
    [
      'an unknown property',
      [{ type: 'divider', colour: 'red' }],
      'message',
      error('invalid additional property: colour', '/blocks/0'),
    ],
    [
      'a duplicate block_id',
      [
        { type: 'divider', block_id: 'a' },
        { type: 'divider', block_id: 'a' },
      ],
      'message',
      error('duplicate block_id: a', '/blocks/1/block_id'),
    ],
    [
      'a duplicate action_id within one actions block',
      actions(button(), button()),
      'message',
      error('duplicate action_id: go', '/blocks/0/elements/1/action_id'),
    ],
    [
      'an input block in a message without dispatch_action',
      [inputBlock()],
      'message',
      error('input blocks in messages require dispatch_action: true', '/blocks/0/dispatch_action'),
    ],
  ];

  it.each(cases)('reports %s', (_name, blocks, surface, expected) => {
    expect(validateBlocks(blocks, surface)).toEqual([expected]);
  });

  it('allows the same action_id in different blocks', () => {
    expect(validateBlocks([...actions(button()), ...actions(button())], 'message')).toEqual([]);
  });

  it('accepts an input block in a message when it dispatches actions', () => {
    expect(validateBlocks([inputBlock({ dispatch_action: true })], 'message')).toEqual([]);
  });
});

describe('validateView on malformed views', () => {
  it('requires submit when a modal has input blocks', () => {
    const { submit: _omit, ...withoutSubmit } = modal();
    expect(validateView(withoutSubmit)).toEqual([
      error('missing required field: submit (required when the view has input blocks)', '/view'),
    ]);
  });

  it('rejects modal-only fields on a home view', () => {
    expect(validateView({ type: 'home', title: plain('Home'), blocks: [] })).toEqual([
      error('invalid additional property: title', '/view'),
    ]);
  });

  it('rejects an unknown view type', () => {
    expect(validateView({ type: 'workflow_step', blocks: [] })).toEqual([
      error('must be one of: modal, home', '/view/type'),
    ]);
  });
});
