import type { Arns } from './arn.js';
import type { Tags } from './common.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import type { NamedResourceKind, Store } from './ports.js';
import { parseJobDefinitionRef } from './resources/job-definition.js';
import type { Serializer } from './serial.js';
import { checkTagKey, checkTags, mergeTags, removeTags, withCreatorTag } from './tags.js';

/**
 * TagResource / UntagResource / ListTagsForResource over every taggable Batch resource:
 * environments, queues, scheduling policies, job definitions (per revision) and jobs
 * (array children cannot be tagged, as on AWS).
 */
export class Tagging {
  constructor(
    private readonly store: Store,
    private readonly arns: Arns,
    private readonly serial: Serializer,
  ) {}

  async list(resourceArn: string): Promise<Tags> {
    const target = await this.locate(resourceArn);
    return target.shown ?? target.tags;
  }

  tag(resourceArn: string, tags: Tags): Promise<void> {
    checkTags(tags);
    return this.serial.run(async () => {
      const target = await this.locate(resourceArn);
      await target.save(mergeTags(target.tags, tags));
    });
  }

  untag(resourceArn: string, keys: string[]): Promise<void> {
    for (const key of keys) checkTagKey(key);
    return this.serial.run(async () => {
      const target = await this.locate(resourceArn);
      await target.save(removeTags(target.tags, keys));
    });
  }

  /** The resource's stored tags, how to save them, and (jobs) the tags it shows. */
  private async locate(resourceArn: string): Promise<{ tags: Tags; shown?: Tags; save: (tags: Tags) => Promise<void> }> {
    const parsed = this.arns.parse(resourceArn);
    if (!parsed) throw new NotFoundError('resource', resourceArn, `Resource ${resourceArn} does not exist`);
    const { resourceType, resource } = parsed;
    switch (resourceType) {
      case 'compute-environment':
      case 'job-queue':
      case 'scheduling-policy':
        return this.locateNamed(resourceType, resource, resourceArn);
      case 'job-definition': {
        const ref = parseJobDefinitionRef(resource);
        const def = ref?.revision === undefined ? undefined : await this.store.getJobDefinition(ref.name, ref.revision);
        if (!def) throw new NotFoundError('job definition', resourceArn);
        return { tags: def.tags, save: (tags) => this.store.updateJobDefinition(def.name, def.revision, { tags }) };
      }
      case 'job': {
        const [job] = await this.store.getJobs([resource]);
        if (!job) throw new NotFoundError('job', resourceArn);
        if (job.arrayParent) throw new InvalidInputError(`Array child ${job.jobId} cannot be tagged; tag its parent instead`);
        return { tags: job.tags, shown: withCreatorTag(job.tags, job.spec.createdBy), save: (tags) => this.store.setJobTags(job.jobId, tags) };
      }
    }
  }

  private async locateNamed(kind: NamedResourceKind, name: string, arn: string) {
    const record = await this.store.getResource(kind, name);
    if (!record) throw new NotFoundError('resource', arn, `Resource ${arn} does not exist`);
    return { tags: record.tags, save: (tags: Tags) => this.store.replaceResource(kind, { ...record, tags }) };
  }
}
