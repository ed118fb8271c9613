'use client';

import { panelVizKinds, type PanelViz } from '@tributary/contracts';
import { Field, FieldRow, Select, TextInput } from '../ui/index.ts';

export const PANEL_WIDTHS = ['3', '4', '6', '8', '12'] as const;
export type PanelWidth = (typeof PANEL_WIDTHS)[number];

/** A new panel's cell: the chosen width, and a height that suits its kind. */
export function newPanelSize(viz: PanelViz, width: PanelWidth): { w: number; h: number } {
  return { w: Number(width), h: viz === 'stat' ? 3 : 5 };
}

/** What every new panel asks first, builder or SQL: its title, how it is shown, its width. */
export function PanelBasics(props: {
  title: string;
  onTitle: (v: string) => void;
  viz: PanelViz;
  onViz: (v: PanelViz) => void;
  width: PanelWidth;
  onWidth: (v: PanelWidth) => void;
  /** Test ids of the title and viz inputs. */
  testIds: { title: string; viz: string };
}) {
  return (
    <FieldRow>
      <Field label="Panel title">
        {(id) => (
          <TextInput
            id={id}
            value={props.title}
            onChange={(e) => props.onTitle(e.target.value)}
            data-testid={props.testIds.title}
          />
        )}
      </Field>
      <Field label="Show as">
        {(id) => (
          <Select
            id={id}
            value={props.viz}
            onValue={props.onViz}
            options={panelVizKinds.map((v) => ({ value: v, label: v }))}
            data-testid={props.testIds.viz}
          />
        )}
      </Field>
      <Field label="Width (of 12)">
        {(id) => (
          <Select
            id={id}
            value={props.width}
            onValue={props.onWidth}
            options={PANEL_WIDTHS.map((w) => ({ value: w, label: w }))}
          />
        )}
      </Field>
    </FieldRow>
  );
}
