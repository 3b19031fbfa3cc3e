"""boto3 against the server: the Python SDK as applications use it.

Usage: python3 boto3_smoke.py ENDPOINT ACCESS_KEY SECRET_KEY NAME_SUFFIX WORK_DIR

Prints one `ok - ...` or `not ok - ...` line per check (smoke.sh counts them) and exits 0;
a failed check does not stop the ones after it unless they need its result.
"""

import hashlib
import os
import sys
import urllib.request

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, access_key, secret_key, suffix, work = sys.argv[1:6]
LABEL = f"boto3 {boto3.__version__}"
MiB = 1024 * 1024



def client(secret=secret_key, **config):
    """A path-style client of the server, without retries (a failure shows at once)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config),
    )


s3 = client()


def check(name, fn):
    try:
        fn()
        print(f"ok - {LABEL}: {name}", flush=True)
        return True
    except Exception as err:  # noqa: BLE001 - every failure is reported, none stops the run
        print(f"not ok - {LABEL}: {name}", flush=True)
        print(f"#   {type(err).__name__}: {err}", flush=True)
        return False


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def error_code(fn):
    try:
        fn()
    except ClientError as err:
        return err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


bucket = f"smoke-boto3-{suffix}"
versioned = f"smoke-boto3v-{suffix}"
body = os.urandom(MiB + 123)


def create():
    s3.create_bucket(Bucket=bucket)
    expect(any(b["Name"] == bucket for b in s3.list_buckets()["Buckets"]), "bucket listed")


def put_get():
    put = s3.put_object(Bucket=bucket, Key="dir/small.bin", Body=body, ContentType="application/x-test", Metadata={"colour": "blue"})
    expect(put["ETag"].strip('"') == hashlib.md5(body).hexdigest(), f"ETag {put['ETag']} is the MD5")
    got = s3.get_object(Bucket=bucket, Key="dir/small.bin")
    expect(got["Body"].read() == body, "body round-trips")
    expect(got["ContentType"] == "application/x-test", "content type")
    expect(got["Metadata"] == {"colour": "blue"}, f"metadata {got['Metadata']}")
    head = s3.head_object(Bucket=bucket, Key="dir/small.bin")
    expect(head["ContentLength"] == len(body), "head length")
    part = s3.get_object(Bucket=bucket, Key="dir/small.bin", Range="bytes=100-199")
    expect(part["Body"].read() == body[100:200] and part["ContentRange"] == f"bytes 100-199/{len(body)}", "range read")


def transfer():
    src = os.path.join(work, "boto3-upload.bin")
    back = os.path.join(work, "boto3-download.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(20 * MiB + 7))
    cfg = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=3)
    s3.upload_file(src, bucket, "big/upload.bin", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="big/upload.bin")
    expect(head["ETag"].strip('"').endswith("-3"), f"multipart ETag {head['ETag']}")
    s3.download_file(bucket, "big/upload.bin", back, Config=cfg)
    with open(src, "rb") as a, open(back, "rb") as b:
        expect(hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest(), "downloaded file equals the upload")


def listing():
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"list/k{i}", Body=b"x")
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="list/", PaginationConfig={"PageSize": 2}):
        keys += [o["Key"] for o in page.get("Contents", [])]
    expect(keys == [f"list/k{i}" for i in range(5)], f"paginated keys {keys}")
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    prefixes = sorted(p["Prefix"] for p in top.get("CommonPrefixes", []))
    expect(prefixes == ["big/", "dir/", "list/"], f"common prefixes {prefixes}")


def copy():
    s3.copy_object(Bucket=bucket, Key="copy/small.bin", CopySource={"Bucket": bucket, "Key": "dir/small.bin"})
    expect(s3.get_object(Bucket=bucket, Key="copy/small.bin")["Body"].read() == body, "copy equals the source")


def presigned():
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/small.bin"}, ExpiresIn=300)
    with urllib.request.urlopen(url) as res:
        expect(res.read() == body, "presigned GET body")
    # The Content-Type is part of what the URL signs (urllib would otherwise send its own).
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "presigned/put.txt", "ContentType": "text/plain"}, ExpiresIn=300
    )
    req = urllib.request.Request(put_url, data=b"sent without credentials", method="PUT", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req) as res:
        expect(res.status == 200, f"presigned PUT status {res.status}")
    expect(s3.get_object(Bucket=bucket, Key="presigned/put.txt")["Body"].read() == b"sent without credentials", "presigned PUT stored")
    # boto3 presigns with Signature V2 unless told otherwise; SigV4 query auth as well.
    v4 = client(signature_version="s3v4")
    v4_url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/small.bin"}, ExpiresIn=300)
    expect("X-Amz-Signature=" in v4_url, "a SigV4 URL")
    with urllib.request.urlopen(v4_url) as res:
        expect(res.read() == body, "SigV4 presigned GET body")


def tagging():
    s3.put_object_tagging(Bucket=bucket, Key="dir/small.bin", Tagging={"TagSet": [{"Key": "team", "Value": "storage"}]})
    tags = s3.get_object_tagging(Bucket=bucket, Key="dir/small.bin")["TagSet"]
    expect(tags == [{"Key": "team", "Value": "storage"}], f"tags {tags}")


def errors():
    expect(error_code(lambda: s3.get_object(Bucket=bucket, Key="no/such/key")) == ("NoSuchKey", 404), "NoSuchKey")
    expect(error_code(lambda: s3.head_bucket(Bucket=f"no-such-bucket-{suffix}"))[1] == 404, "head_bucket 404")
    bad = client(secret="not-the-secret")
    expect(error_code(lambda: bad.list_objects_v2(Bucket=bucket)) == ("SignatureDoesNotMatch", 403), "SignatureDoesNotMatch")


def versioning():
    s3.create_bucket(Bucket=versioned)
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=versioned, Key="doc.txt", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=versioned, Key="doc.txt", Body=b"two")["VersionId"]
    expect(v1 != v2, "distinct version ids")
    expect(s3.get_object(Bucket=versioned, Key="doc.txt", VersionId=v1)["Body"].read() == b"one", "old version readable")
    marker = s3.delete_object(Bucket=versioned, Key="doc.txt")
    expect(marker.get("DeleteMarker") is True, "delete marker")
    expect(error_code(lambda: s3.get_object(Bucket=versioned, Key="doc.txt"))[1] == 404, "deleted key answers 404")
    listed = s3.list_object_versions(Bucket=versioned)
    expect(len(listed.get("Versions", [])) == 2 and len(listed.get("DeleteMarkers", [])) == 1, "two versions and a marker")
    everything = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed["Versions"] + listed["DeleteMarkers"]]
    gone = s3.delete_objects(Bucket=versioned, Delete={"Objects": everything})
    expect(len(gone.get("Deleted", [])) == 3 and not gone.get("Errors"), f"delete_objects {gone.get('Errors')}")
    s3.delete_bucket(Bucket=versioned)


def abort_multipart():
    up = s3.create_multipart_upload(Bucket=bucket, Key="aborted.bin")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="aborted.bin", UploadId=up, PartNumber=1, Body=b"a" * (5 * MiB))
    ids = [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]
    expect(up in ids, "upload listed")
    s3.abort_multipart_upload(Bucket=bucket, Key="aborted.bin", UploadId=up)
    expect(error_code(lambda: s3.list_parts(Bucket=bucket, Key="aborted.bin", UploadId=up))[0] == "NoSuchUpload", "NoSuchUpload after abort")


def cleanup():
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])]
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    expect(len(out.get("Deleted", [])) == len(keys), "every key deleted")
    s3.delete_bucket(Bucket=bucket)
    expect(error_code(lambda: s3.head_bucket(Bucket=bucket))[1] == 404, "bucket gone")


print(f"# {LABEL}, botocore {botocore.__version__}, Python {sys.version.split()[0]}", flush=True)
if check("create_bucket", create):
    check("put_object / get_object / head_object / ranged get (metadata, ETag = MD5)", put_get)
    check("upload_file and download_file of 20 MiB in 8 MiB parts", transfer)
    check("list_objects_v2 paginated, and with a delimiter", listing)
    check("copy_object", copy)
    check("presigned GET and PUT URLs (SigV2, and SigV4 GET) fetched with urllib", presigned)
    check("put/get_object_tagging", tagging)
    check("errors: NoSuchKey, missing bucket, wrong secret", errors)
    check("versioning: versions, delete marker, list_object_versions, delete_objects", versioning)
    check("multipart upload aborted", abort_multipart)
    check("delete_objects and delete_bucket", cleanup)
