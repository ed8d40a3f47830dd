import type { Role } from '../db/schema';
import type { PageContext } from '../web/context';
import { ErrorSummary, TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatMoney } from '../web/money';
import { formatDateTime } from '../web/time';
import { cancelOutcome } from './detail-views';
import type { SessionRow } from './queries';
import { refundOnCancel } from './refund-policy';

/**
 * The step between a button that changes a session for good (Confirm, Mark completed, Cancel, Decline)
 * and the change: a page that says who is emailed, who is refunded what and what happens to the
 * meeting, asks for an optional reason, and posts only when the person presses the final button.
 * It needs no JavaScript; its GET changes nothing.
 */
export type StepKind = 'confirm' | 'complete' | 'cancel' | 'decline';

const TITLES: Record<StepKind, string> = {
  confirm: 'Confirm this session?',
  complete: 'Mark session completed?',
  cancel: 'Cancel this session?',
  decline: 'Decline this request?',
};

/** The final button's words; the admin's two are the ones the contract names. */
export const STEP_BUTTONS: Record<StepKind, string> = { confirm: 'Confirm', complete: 'Mark completed', cancel: 'Cancel session', decline: 'Decline' };

export interface StepFacts {
  kind: StepKind;
  s: SessionRow;
  paid: boolean;
  /** Who is looking (and would act). */
  as: Role;
  now: Date;
  zone: string;
  /** The provider a confirmation would make a room with. */
  provider: string;
}

const PROVIDER_WORDS: Record<string, string> = { 'google-meet': 'Google Meet', jitsi: 'Jitsi' };

/** What pressing the final button does, one consequence a line, from the viewer's side. */
export function stepConsequences(f: StepFacts): string[] {
  const { s, as } = f;
  const amount = formatMoney(s.priceCents, s.currency);
  const mentee = as === 'mentee' ? 'you' : s.menteeName;
  const both = as === 'mentee' ? `You and ${s.mentorName} are` : as === 'mentor' ? `You and ${s.menteeName} are` : `${s.menteeName} and ${s.mentorName} are`;
  const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  switch (f.kind) {
    case 'confirm':
      return [
        f.provider === 'none'
          ? 'Video meetings are not set up on this site: the email says the mentor will share the meeting details.'
          : `A meeting room is created (${PROVIDER_WORDS[f.provider] ?? f.provider}); its link appears on both dashboards.`,
        `${both} each emailed "Session Confirmed - CodeMentorHub" with the meeting link and a calendar invite, and reminded 24 hours and 1 hour before the start.`,
        f.paid ? `No money moves: the payment of ${amount} is kept.` : 'Nothing has been paid for this session.',
      ];
    case 'complete':
      return [
        'The session is marked completed; its meeting link stays in its history.',
        `${both} each emailed "Thanks for your session - CodeMentorHub"; ${s.menteeName} is invited to rate it.`,
        f.paid ? `No refund: the payment of ${amount} is kept and counts in ${s.mentorName}'s earnings.` : 'Nothing has been paid for this session.',
        ...(f.now < s.endsAt ? [`The session has not ended yet (it ends ${formatDateTime(s.endsAt, f.zone)}): say why it is completed early.`] : []),
      ];
    case 'decline':
      return [
        f.paid ? `${capital(mentee)} ${as === 'mentee' ? 'get' : 'gets'} a full refund of ${amount}.` : 'Nothing has been charged, so there is nothing to refund.',
        `${both} each emailed "Session Declined - CodeMentorHub", with the reason if you give one.`,
        'The time is free again for other bookings. This cannot be undone.',
      ];
    case 'cancel': {
      const refund = refundOnCancel({ by: as, status: s.status, startsAt: s.startsAt, now: f.now, paid: f.paid });
      const money = as === 'admin'
        ? (!f.paid ? 'Nothing has been charged, so there is nothing to refund.' : refund === 'full' ? `${s.menteeName} (the mentee) gets a full refund of ${amount}.` : `${s.menteeName} (the mentee) gets no refund.`)
        : cancelOutcome({ as, s, paid: f.paid, now: f.now, zone: f.zone }).text;
      const room = s.meetingUrl
        ? `The calendar invite is withdrawn and the meeting room is closed${s.meetingProvider === 'google-meet' ? ' (its Google Calendar event is deleted)' : ''}; no reminders are sent.`
        : 'No reminders are sent.';
      return [
        money,
        `${both} each emailed "Session Cancelled - CodeMentorHub", with the reason if you give one.`,
        `${room} The time is free again for other bookings. This cannot be undone.`,
      ];
    }
  }
}

export interface StepPageProps {
  ctx: PageContext;
  facts: StepFacts;
  /** Where the form posts. */
  action: string;
  /** Extra fields the post carries (the admin's `status`). */
  hidden: Record<string, string>;
  back: string;
  /** Why the step cannot be taken now (wrong status, too late, too early): shown instead of the form. */
  refusal: string | null;
  /** A reason is needed (completing before the end). */
  reasonNeeded: boolean;
  reason?: string;
  error?: string;
}

/** The confirmation page: the session, what happens, the optional reason, the final button and "Back". */
export function StepPage(props: StepPageProps) {
  const { facts: f } = props;
  const { s } = f;
  const onPage = f.kind === 'cancel' || f.kind === 'decline';
  const hint = onPage
    ? 'Told to both in the email and kept in the session\'s history. At most 500 characters.'
    : props.reasonNeeded
      ? 'Needed because the session has not ended yet. Told to both in the email and kept in the audit trail. At most 500 characters.'
      : 'Told to both in the email and kept in the audit trail. At most 500 characters.';
  return (
    <Layout ctx={props.ctx} title={TITLES[f.kind]}>
      <section class="card narrow step" aria-labelledby="step-title">
        <h1 id="step-title">{TITLES[f.kind]}</h1>
        <dl class="meta">
          <dt>Date and time</dt><dd>{formatDateTime(s.startsAt, f.zone, props.ctx.clock)} · {s.durationMinutes} minutes</dd>
          <dt>Mentor</dt><dd>{s.mentorName}</dd>
          <dt>Mentee</dt><dd>{s.menteeName}</dd>
          <dt>Price</dt><dd>{formatMoney(s.priceCents, s.currency)}{f.paid ? ' (paid)' : ' (not paid)'}</dd>
        </dl>
        {props.refusal ? (
          <>
            <p role="alert">{props.refusal}</p>
            <p><a class="btn" href={props.back}>Back</a></p>
          </>
        ) : (
          <>
            <h2 id="step-what">What happens</h2>
            <ul id="step-consequences" class="step-consequences">
              {stepConsequences(f).map((line) => <li key={line}>{line}</li>)}
            </ul>
            <form method="post" action={props.action} class="stack" noValidate>
              <ErrorSummary errors={props.error ? { reason: props.error } : {}} labels={{ reason: 'Reason' }} retry="send" />
              <Csrf token={props.ctx.csrf} />
              {Object.entries(props.hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
              <input type="hidden" name="back" value={props.back} />
              <TextArea name="reason" label={props.reasonNeeded ? 'Reason' : 'Reason (optional)'} hint={hint} value={props.reason ?? ''}
                rows={3} maxLength={500} error={props.error} />
              <div class="session-actions">
                <button type="submit" class={f.kind === 'cancel' || f.kind === 'decline' ? 'btn btn-danger' : 'btn'} aria-describedby="step-consequences">{STEP_BUTTONS[f.kind]}</button>
                <a class="btn btn-quiet" href={props.back}>Back</a>
              </div>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}
