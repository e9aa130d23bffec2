"""Trending hashtags with Spark Streaming, as the tutorials build it: the approach trendmap replaces.

Run by `npm run bench -- spark` (bench/spark.bench.ts), which serves an archive of X API v2 JSON lines on a
TCP socket and reads what this prints. The tutorial's pipeline, kept as it is:

- `StreamingContext(sc, 2)`: 2 s micro-batches, on `local[2]` (two cores, like the machine trendmap gets);
- `ssc.socketTextStream(host, port)`: one receiver reading lines;
- each line parsed; a post with a place's country code and at least one hashtag becomes
  ((country, tag), 1) and (("world", tag), 1) for each of its distinct tags;
- `updateStateByKey`: running totals since the start, checkpointed to a temporary directory;
- `foreachRDD`: the totals as a DataFrame, and Spark SQL for the world's top 10.

Hashtags as trendmap's producer finds them, simply: the post's `data.entities.hashtags[].tag` when it has
entities, else `#word` in its text; the key is the tag in NFKC, lower case, NFKC again; a post counts a tag
once. The country is `country_code` of the place in `includes.places` (the one `data.geo.place_id` names).

Prints one JSON line per batch to stdout (the log goes to stderr):
  {"batch_ms": the batch's time, "finished_ms": wall clock when its top 10 was known (both ms since the epoch),
   "lines": lines received so far, "posts": posts counted so far, "top": [[tag, count], ...]}
With --stop-after-lines N it stops once a batch has received N lines in all; otherwise it runs until killed.
"""

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import unicodedata

from pyspark import SparkConf, SparkContext
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType
from pyspark.streaming import StreamingContext

BATCH_SECONDS = 2
HASHTAG_IN_TEXT = re.compile(r"[#\uFF03](\w+)")
COUNTS_SCHEMA = StructType(
    [StructField("region", StringType()), StructField("tag", StringType()), StructField("count", LongType())]
)
TOP_WORLD_TAGS = "SELECT tag, count FROM counts WHERE region='world' ORDER BY count DESC LIMIT 10"


def tag_key(tag):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", tag).lower())


def post_tags(line):
    """(country, {tag keys}) of a post with a place and hashtags, else None."""
    try:
        envelope = json.loads(line)
    except ValueError:
        return None
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict):
        return None
    place_id = (data.get("geo") or {}).get("place_id")
    places = (envelope.get("includes") or {}).get("places") or []
    country = next((place.get("country_code") for place in places if place.get("id") == place_id), None)
    if not country:
        return None
    entities = data.get("entities")
    if isinstance(entities, dict):
        tags = [hashtag.get("tag") for hashtag in entities.get("hashtags") or []]
    else:
        tags = HASHTAG_IN_TEXT.findall(data.get("text") or "")
    keys = {tag_key(tag) for tag in tags if isinstance(tag, str) and tag}
    return (country.upper(), keys) if keys else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stop-after-lines", type=int, default=0)
    args = parser.parse_args()

    # The web UI is off: nobody looks at it here, and its port could clash with other runs on the machine.
    conf = SparkConf().setMaster("local[2]").setAppName("trendmap-spark-baseline").set("spark.ui.enabled", "false")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    ssc = StreamingContext(sc, BATCH_SECONDS)
    checkpoint = tempfile.mkdtemp(prefix="trendmap-spark-checkpoint-")
    ssc.checkpoint(checkpoint)

    # Counted as the lines are parsed: the running totals for the report, not part of the trend counts.
    lines_received = sc.accumulator(0)
    posts_counted = sc.accumulator(0)

    def pairs(line):
        lines_received.add(1)
        post = post_tags(line)
        if post is None:
            return []
        posts_counted.add(1)
        country, keys = post
        return [((region, tag), 1) for tag in keys for region in (country, "world")]

    def running_total(new_counts, total):
        return sum(new_counts) + (total or 0)

    finished = {"done": False}

    def report(batch_time, rdd):
        # The session is looked up, not captured: the checkpoint saves this function, and a session cannot be saved.
        spark = SparkSession.builder.config(conf=rdd.context.getConf()).getOrCreate()
        counts = spark.createDataFrame(rdd.map(lambda kv: (kv[0][0], kv[0][1], kv[1])), COUNTS_SCHEMA)
        counts.createOrReplaceTempView("counts")
        top = [[row["tag"], row["count"]] for row in spark.sql(TOP_WORLD_TAGS).collect()]
        record = {
            "batch_ms": int(batch_time.timestamp() * 1000),
            "finished_ms": int(time.time() * 1000),
            "lines": lines_received.value,
            "posts": posts_counted.value,
            "top": top,
        }
        print(json.dumps(record), flush=True)
        if args.stop_after_lines and lines_received.value >= args.stop_after_lines:
            finished["done"] = True

    lines = ssc.socketTextStream(args.host, args.port)
    lines.flatMap(pairs).updateStateByKey(running_total).foreachRDD(report)

    ssc.start()
    try:
        # Stopping from inside foreachRDD would wait for itself: the main thread stops the context instead.
        while not finished["done"] and not ssc.awaitTerminationOrTimeout(0.2):
            pass
    finally:
        ssc.stop(stopSparkContext=True, stopGraceFully=False)
        shutil.rmtree(checkpoint, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
