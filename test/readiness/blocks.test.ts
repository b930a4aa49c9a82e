import { describe, expect, it } from 'vitest';
import { ActionId } from '../../blocks/ids.js';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import { readinessHomeView, statusSummaryMessage } from '../../blocks/readiness/summary.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import { validateBlocks, validateView } from '../../src/sandbox/slack/blockkit.js';
import { largeReadiness, paymentsReadiness } from './fixtures.js';

describe('readiness blocks', () => {
  it('renders a service card with rows worst first, estimates, check time and actions', () => {
    // Act
    const message = serviceStatusMessage(paymentsReadiness());

    // Assert
    expect(message).toMatchSnapshot();
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  });

  it('escapes resource ids and reasons taken from the plan and AWS', () => {
    // Act
    const json = JSON.stringify(serviceStatusMessage(paymentsReadiness()).blocks);

    // Assert
    expect(json).toContain('payments-&lt;dns&gt;');
    expect(json).not.toContain('payments-<dns>');
  });

  it('offers Re-check, Dry-run and Request failover with the service as value', () => {
    // Act
    const { blocks } = serviceStatusMessage(paymentsReadiness());

    // Assert
    const actions = blocks.find((b) => b.type === 'actions');
    expect(
      actions && 'elements' in actions ? actions.elements.map((e) => 'action_id' in e && e.action_id) : [],
    ).toEqual([ActionId.readinessRecheck, ActionId.readinessDryRun, ActionId.readinessRequestFailover]);
  });

  it('keeps a 200-resource service within Block Kit limits by grouping ready resources', () => {
    // Act
    const message = serviceStatusMessage(largeReadiness(200));

    // Assert
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(message.blocks);
    expect(json).toMatch(/\*Ready:\* .*\d+ × ec2 \(\d+ checks\)/);
    expect(json).toContain('res-000');
    expect(message.text.length).toBeLessThanOrEqual(3_000);
  });

  it('labels an RTO estimate built on simulated drill timings, and only that one', () => {
    // Prepare
    const real = paymentsReadiness();
    const sandbox: ServiceReadiness = {
      ...real,
      rto: { ...real.rto, estimate: { ...real.rto.estimate, timeNote: 'simulated AWS at 60x' } },
    };

    // Act
    const labelled = serviceStatusMessage(sandbox);
    const unlabelled = serviceStatusMessage(real);

    // Assert
    expect(JSON.stringify(labelled.blocks)).toContain(
      '1 step(s) from drills _(drill timings in simulated AWS at 60x)_',
    );
    expect(labelled.text).toContain('(drill timings in simulated AWS at 60x)');
    expect(JSON.stringify(unlabelled.blocks)).toContain('1 step(s) from drills');
    expect(JSON.stringify(unlabelled)).not.toContain('simulated');
  });

  it('lists more not-ready resources than fit by name in one overflow row', () => {
    // Prepare
    const all = largeReadiness(400);

    // Act
    const message = serviceStatusMessage(all);

    // Assert
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more resources not ready/);
  });

  it('renders the all-services summary and the App Home within their limits', () => {
    // Prepare
    const results = [largeReadiness(3), paymentsReadiness()];

    // Act
    const summary = statusSummaryMessage(results);
    const home = readinessHomeView(results);

    // Assert
    expect(summary).toMatchSnapshot();
    expect(validateBlocks(summary.blocks, 'message')).toEqual([]);
    expect(validateView(home)).toEqual([]);
  });

  it('caps the summary at the message block limit when there are many services', () => {
    // Prepare
    const many = Array.from({ length: 120 }, (_, i) => ({ ...paymentsReadiness(), service: `svc-${i}` }));

    // Act
    const summary = statusSummaryMessage(many);
    const home = readinessHomeView(many);

    // Assert
    expect(validateBlocks(summary.blocks, 'message')).toEqual([]);
    expect(validateView(home)).toEqual([]);
    expect(JSON.stringify(summary.blocks)).toContain('…and 76 more services (76 unknown).');
  });
});
