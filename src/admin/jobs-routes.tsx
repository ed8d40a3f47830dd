import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listFailedJobs, retryFailedJob } from '../jobs/failed';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { FailedJobsPage } from './jobs-views';

const retryInput = z.object({ id: z.uuid(), name: z.string().max(100) });

/** Failed background jobs, with their last error, and Retry. */
export async function adminJobRoutes(app: FastifyInstance) {
  const { database, wakeWorker } = app.services;
  const admin = { preHandler: requireRole('admin') };

  app.get('/admin/jobs', admin, async (request, reply) => {
    const jobs = await listFailedJobs({ db: database.db });
    return sendPage(reply, <FailedJobsPage ctx={pageContext(request, reply)} jobs={jobs} />);
  });

  app.post<{ Params: { id: string }; Body: { name?: string } }>('/admin/jobs/:id/retry', admin, async (request, reply) => {
    const input = retryInput.safeParse({ id: request.params.id, name: request.body?.name });
    const retried = input.success && (await retryFailedJob({ db: database.db, ...input.data }));
    if (retried) wakeWorker();
    setFlash(reply, retried ? 'The job is queued to run again.' : 'Only a failed job can be retried.');
    return reply.redirect('/admin/jobs', 303);
  });
}
