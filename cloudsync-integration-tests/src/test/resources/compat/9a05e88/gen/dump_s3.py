#!/usr/bin/env python3
"""Dump every object of a bucket: bytes to OUT/objects/<key>, and OUT/index.json, a JSON array of
{"key", "content_type", "metadata"} (metadata = head-object's "Metadata": the x-amz-meta-* user
metadata without the prefix, as `aws s3api head-object` prints it) plus "size" and "etag" for reference.
  dump_s3.py ENDPOINT BUCKET OUT     (credentials from the AWS_* environment variables)"""
import json, os, sys, boto3
from botocore.config import Config

endpoint, bucket, out = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}))
index = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
    for o in page.get("Contents", []):
        key = o["Key"]
        head = s3.head_object(Bucket=bucket, Key=key)
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert len(body) == head["ContentLength"]
        p = os.path.join(out, "objects", key)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(body)
        index.append({"key": key, "content_type": head.get("ContentType"),
                      "metadata": head.get("Metadata", {}),
                      "size": head["ContentLength"], "etag": head["ETag"]})
index.sort(key=lambda e: e["key"].encode())
with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
    json.dump(index, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(len(index), "objects")
