"""Reach the resources a function links from a Python handler in Strato's local cloud.

Each call goes over HTTP to the local cloud, at the address in
``STRATO_RESOURCE_API``, which runs it as a call of the calling function: an
unlinked resource fails with AWS's AccessDenied error, as on AWS.

    import strato_client

    readings = strato_client.table("readings")

    def handler(event, context):
        readings.put({"station": event["station"], "at": event["at"], "value": event["value"]})

Uses the standard library only. Bytes travel as ``{"$bytes": "<base64>"}``.
Local only: on AWS, use boto3 with the physical names that the
``STRATO_<KIND>_<NAME>`` variables carry.
"""

import base64
import json
import os
import urllib.error
import urllib.request

# Calls go to 127.0.0.1 only, so proxy variables must not redirect them.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ResourceError(Exception):
    """A failed resource call, with AWS's error name, such as ``AccessDeniedException``."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def _encode_bytes(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _decode_bytes(value):
    if len(value) == 1 and isinstance(value.get("$bytes"), str):
        return base64.b64decode(value["$bytes"])
    return value


def call(kind, resource, operation, input=None):
    """Run one operation on a resource by its physical name and return the output, or raise ResourceError."""
    url = os.environ.get("STRATO_RESOURCE_API")
    if not url:
        raise ResourceError("ServiceUnavailableException", "STRATO_RESOURCE_API is not set, so no local cloud serves resource calls. Run the function with Strato's local cloud.")

    body = json.dumps({"kind": kind, "resource": resource, "op": operation, "input": input}, default=_encode_bytes).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with _opener.open(request) as response:
            return json.loads(response.read(), object_hook=_decode_bytes)
    except urllib.error.HTTPError as error:
        failure = json.loads(error.read())
        raise ResourceError(failure["name"], failure["message"]) from None


def physical_name(kind, link_name):
    """Return the physical name of a linked resource from its STRATO_<KIND>_<NAME> variable, or the link name when the function does not link it."""
    name = link_name.rsplit(".", 1)[-1]
    return os.environ.get(f"STRATO_{kind}_{name.upper().replace('-', '_')}", link_name)


class Table:
    """A linked table: items are dicts, keys are dicts of the key attributes."""

    def __init__(self, link_name):
        self.name = physical_name("TABLE", link_name)

    def get(self, key):
        """Return the item with this key, or None."""
        return call("table", self.name, "get", {"key": key}).get("item")

    def put(self, item):
        """Write the item, replacing one with the same key."""
        call("table", self.name, "put", {"item": item})

    def delete(self, key):
        """Delete the item with this key, if there is one."""
        call("table", self.name, "delete", {"key": key})


class Queue:
    """A linked queue."""

    def __init__(self, link_name):
        self.name = physical_name("QUEUE", link_name)

    def send(self, body):
        """Send one message; a dict or list body is sent as JSON. Return the result with its messageId."""
        text = body if isinstance(body, str) else json.dumps(body)
        return call("queue", self.name, "send", {"body": text})


class Function:
    """A linked function of the same service."""

    def __init__(self, link_name):
        self.name = physical_name("FUNCTION", link_name)

    def invoke_async(self, event):
        """Queue the event for the function, as Invoke with InvocationType Event. Return statusCode 202 and the requestId."""
        return call("function", self.name, "invokeAsync", {"payload": event})


def table(link_name):
    return Table(link_name)


def queue(link_name):
    return Queue(link_name)


def function(link_name):
    return Function(link_name)
