// The console's UI kit: pages compose these instead of adding to globals.css (STYLE.md).
export { Badge, type BadgeTone } from './badge.tsx';
export { Button, type ButtonProps } from './button.tsx';
export { Card } from './card.tsx';
export { ConfirmDialog } from './dialog.tsx';
export { Field, FieldRow, TextArea, TextInput } from './field.tsx';
export { Select, type SelectOption } from './select.tsx';
export { Stat, StatGrid } from './stat.tsx';
export { EmptyState, ErrorState, Loading } from './states.tsx';
export { numCell, Table } from './table.tsx';
export { MutationError, TypedConfirm } from './typed-confirm.tsx';
