#!/usr/bin/env python3
"""Load a dump made by dump_s3.py into a bucket (created if missing): each index.json entry is PUT
from OUT/objects/<key> with its content_type and metadata.  load_s3.py ENDPOINT BUCKET DIR"""
import json, os, sys, boto3
from botocore.config import Config

endpoint, bucket, d = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}))
if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=bucket)
index = json.load(open(os.path.join(d, "index.json"), encoding="utf-8"))
for e in index:
    with open(os.path.join(d, "objects", e["key"]), "rb") as f:
        s3.put_object(Bucket=bucket, Key=e["key"], Body=f.read(),
                      ContentType=e["content_type"], Metadata=e["metadata"])
print(len(index), "objects loaded")
