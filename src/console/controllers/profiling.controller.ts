import { pipeline } from 'node:stream/promises';
import { ConflictException, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProfilerBusyError, ProfilingService } from '../../monitoring/profiling.service';
import { Audit, ConsoleController, Roles } from '../decorators';
import { ProfilingQueryDto } from '../dto/profiling.dto';
import type { ConsoleRequest } from '../http/console-request';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/** Profiles of the server process, as files the browser downloads (global admins only; one at a time, 409 while one runs). */
@ConsoleController('profiling', 'profiling')
@Roles('admin')
export class ProfilingController {
  private readonly logger = new Logger(ProfilingController.name);

  constructor(private readonly profiling: ProfilingService) {}

  @Get()
  @Audit(R.profiling, A.profile)
  @ApiProduces('application/json')
  @ApiOperation({
    summary: 'type=cpu&seconds=N (≤ 30): a .cpuprofile (Chrome DevTools, speedscope); type=heap: a V8 .heapsnapshot, streamed',
  })
  async profile(@Query() q: ProfilingQueryDto, @Req() req: ConsoleRequest, @Res() res: Response): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    try {
      if (q.type === 'cpu') {
        // The client going away ends the profile early; nobody would read it.
        const aborted = new AbortController();
        res.once('close', () => aborted.abort());
        const profile = await this.profiling.cpuProfile(q.seconds, aborted.signal);
        if (aborted.signal.aborted) return;
        res.setHeader('Content-Disposition', `attachment; filename="cpu-${stamp}.cpuprofile"`);
        res.status(200).json(profile);
        return;
      }
      const snapshot = this.profiling.heapSnapshot();
      res.status(200);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Disposition', `attachment; filename="heap-${stamp}.heapsnapshot"`);
      await pipeline(snapshot, res).catch((err) => {
        if (!req.destroyed) this.logger.warn(`heap snapshot download failed: ${err}`);
      });
    } catch (err) {
      if (err instanceof ProfilerBusyError) throw new ConflictException(err.message);
      throw err;
    }
  }
}
