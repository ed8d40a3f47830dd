import type { PageContext } from './context';
import { Layout } from './layout';

function Message(props: { ctx: PageContext; title: string; text: string; back?: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <section class="card narrow center">
        <h1>{props.title}</h1>
        <p role={props.back ? 'alert' : undefined}>{props.text}</p>
        <p>{props.back ? <a class="btn" href={props.back}>Go back</a> : <a class="btn" href="/">Go to the home page</a>}</p>
      </section>
    </Layout>
  );
}

export const ForbiddenPage = (p: { ctx: PageContext }) =>
  Message({ ctx: p.ctx, title: 'Not allowed', text: 'Your account does not have access to this page.' });
export const NotFoundPage = (p: { ctx: PageContext }) =>
  Message({ ctx: p.ctx, title: 'Page not found', text: 'There is nothing at this address. Check the link, or start again from the home page.' });
export const ExpiredFormPage = (p: { ctx: PageContext }) =>
  Message({ ctx: p.ctx, title: 'Form expired', text: 'This form could not be verified (it may be old, or sent from another site). Go back, reload the page and try again.' });
export const ErrorPage = (p: { ctx: PageContext; text?: string; title?: string; back?: string }) =>
  Message({ ctx: p.ctx, title: p.title ?? 'Something went wrong', text: p.text ?? 'We could not complete this request. Nothing was changed; please try again in a moment.', back: p.back });
