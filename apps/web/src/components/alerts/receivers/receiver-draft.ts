import { receiverSchema, type Receiver } from '@tributary/contracts';

/** The receiver form's state (text as typed) and the receiver it stands for. */
export interface ReceiverForm {
  kind: Receiver['kind'];
  name: string;
  url: string;
  format: 'json' | 'slack';
  /** One `Name: value` a line. */
  headers: string;
  /** Comma- or line-separated addresses. */
  to: string;
  subjectPrefix: string;
}

export interface Problem {
  path: string;
  message: string;
}

export function emptyReceiverForm(): ReceiverForm {
  return {
    kind: 'webhook',
    name: '',
    url: '',
    format: 'json',
    headers: '',
    to: '',
    subjectPrefix: '[Tributary]',
  };
}

export function formFromReceiver(r: Receiver): ReceiverForm {
  const form = emptyReceiverForm();
  form.kind = r.kind;
  form.name = r.name;
  if (r.kind === 'webhook') {
    form.url = r.url;
    form.format = r.format;
    form.headers = Object.entries(r.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
  } else {
    form.to = r.to.join(', ');
    form.subjectPrefix = r.subjectPrefix;
  }
  return form;
}

/** The receiver the form stands for, and every problem with it by path (receiverSchema's). */
export function buildReceiver(form: ReceiverForm): {
  receiver: Record<string, unknown>;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  let receiver: Record<string, unknown>;
  if (form.kind === 'webhook') {
    const headers: Record<string, string> = {};
    for (const line of form.headers
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)) {
      const colon = line.indexOf(':');
      if (colon <= 0) {
        problems.push({ path: 'headers', message: `"${line}" is not Name: value` });
        continue;
      }
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    receiver = {
      kind: 'webhook',
      name: form.name.trim(),
      url: form.url.trim(),
      format: form.format,
      headers,
    };
  } else {
    const to = form.to
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    receiver = { kind: 'email', name: form.name.trim(), to, subjectPrefix: form.subjectPrefix };
  }
  const checked = receiverSchema.safeParse(receiver);
  if (!checked.success) {
    for (const i of checked.error.issues) {
      // headers.<name> problems are about the header lines as a whole in this form.
      const path = i.path[0] === 'headers' ? 'headers' : i.path.join('.') || 'receiver';
      problems.push({
        path,
        message: i.path[0] === 'headers' && i.path[1] ? `${String(i.path[1])}: ${i.message}` : i.message,
      });
    }
  }
  return { receiver, problems };
}

/** A delivery outcome in one line, and whether it went well. */
export function outcomeText(
  o:
    | { kind: 'ok'; detail: string }
    | { kind: 'failed'; reason: string; retriable: boolean }
    | { kind: 'timed_out'; reason: string },
): { ok: boolean; text: string } {
  if (o.kind === 'ok') return { ok: true, text: `Delivered: ${o.detail}` };
  if (o.kind === 'timed_out') return { ok: false, text: `Timed out: ${o.reason}` };
  return { ok: false, text: `Failed: ${o.reason}${o.retriable ? ' (may pass if tried again)' : ''}` };
}
