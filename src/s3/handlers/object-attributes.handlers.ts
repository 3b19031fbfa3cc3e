import { Injectable } from '@nestjs/common';
import { ObjectsService } from '../../objects/objects.service';
import { S3Error } from '../errors/s3-error';
import { H } from '../http/headers';
import { S3Result } from '../http/s3-result';
import { objectAttributesXml, OBJECT_ATTRIBUTES, type ObjectAttribute } from '../xml/object-attributes-shapes';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { versionHeaders, versionIdParam } from './object-version-values';
import { header } from './request-values';

const MAX_PARTS = 1000;

/** GetObjectAttributes: ETag, checksum, parts, storage class and size of a version, without its body. */
@Injectable()
export class ObjectAttributesHandlers {
  constructor(private readonly objects: ObjectsService) {}

  @HandlesS3('GetObjectAttributes')
  async getObjectAttributes(call: S3Call): Promise<S3Result> {
    const versionId = versionIdParam(call.query);
    // S3 wants read access to the object as well as to its attributes.
    await call.authorize(versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', call.bucket, call.key, versionId);
    const wanted = requestedAttributes(header(call.headers, H.amzObjectAttributes));
    const maxParts = intHeader(call, H.amzMaxParts, MAX_PARTS, 0, MAX_PARTS);
    const marker = intHeader(call, H.amzPartNumberMarker, 0, 0, 10_000);
    const { object, parts, versioned } = await this.objects.attributes(call.bucket, call.key, versionId);
    return S3Result.xml(objectAttributesXml(object, parts, wanted, { maxParts, marker }), {
      'Last-Modified': object.lastModified.toUTCString(),
      ...versionHeaders(versioned, object.versionId),
    });
  }
}

/** `x-amz-object-attributes: ETag,ObjectSize`: required, each name one S3 knows. */
function requestedAttributes(value: string | undefined): Set<ObjectAttribute> {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new S3Error('InvalidArgument', {
      message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
      fields: { ArgumentName: H.amzObjectAttributes },
    });
  }
  for (const n of names) {
    if (!(OBJECT_ATTRIBUTES as readonly string[]).includes(n)) {
      throw new S3Error('InvalidArgument', {
        message: 'Invalid attribute name specified.',
        fields: { ArgumentName: H.amzObjectAttributes, ArgumentValue: n },
      });
    }
  }
  return new Set(names as ObjectAttribute[]);
}

function intHeader(call: S3Call, name: string, fallback: number, min: number, max: number): number {
  const v = header(call.headers, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) {
    throw new S3Error('InvalidArgument', {
      message: `${name} must be a non-negative integer`,
      fields: { ArgumentName: name, ArgumentValue: v },
    });
  }
  return Math.min(Number(v), max);
}
