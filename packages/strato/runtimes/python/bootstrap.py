"""Run a Python Lambda handler against the Lambda Runtime API.

Strato's local runtime for python3.12 functions, using the standard library
only. It loads the handler named by ``_HANDLER`` from ``LAMBDA_TASK_ROOT``,
then loops: take the next invocation from the Runtime API at
``AWS_LAMBDA_RUNTIME_API``, call ``handler(event, context)``, and post the
result or the error. Module state survives between invocations, as on Lambda.

The context, the error objects and the log format follow the Lambda Python
runtime (awslambdaric): see
https://docs.aws.amazon.com/lambda/latest/dg/python-context.html and
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
# Frames of these files lead every traceback of user code, so error stack traces leave them out.
RUNTIME_FILES = {os.path.abspath(__file__), os.path.abspath(importlib.__file__)}


class RuntimeApiClient:
    """Send Runtime API requests over one kept-alive HTTP connection."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port))

    def request(self, method, path, body=None, headers=None):
        self.connection.request(method, API_PREFIX + path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response, response.read()

    def next_invocation(self):
        response, body = self.request("GET", "/invocation/next")
        if response.status != 200:
            raise RuntimeError(f"invocation/next failed with HTTP {response.status}: {body!r}")
        return response.headers, body

    def post_response(self, request_id, payload):
        self.request("POST", f"/invocation/{request_id}/response", payload, {"Content-Type": "application/json"})

    def post_error(self, request_id, error):
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]}
        self.request("POST", f"/invocation/{request_id}/error", json.dumps(error).encode(), headers)

    def post_init_error(self, error):
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]}
        self.request("POST", "/init/error", json.dumps(error).encode(), headers)


class CognitoIdentity:
    """Identity of a caller from the AWS Mobile SDK; both ids are None otherwise."""

    def __init__(self):
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None


class LambdaContext:
    """The context object, with the attribute names of Lambda's Python runtime."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as Lambda's Python runtime reads it from the environment.
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        self.identity = CognitoIdentity()
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        """Return the whole milliseconds left before the invocation times out, never below 0."""
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class InitError(Exception):
    """A handler that does not load, with Lambda's error type for the cause."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = stack_trace or []


class RequestIdFilter(logging.Filter):
    """Add the running invocation's request id to every log record."""

    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def configure_logging():
    """Format the root logger's lines as Lambda's Python runtime does: level, UTC time, request id, message."""
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def load_handler(handler_name):
    """Import the handler's module and return the handler function, or raise InitError."""
    module_path, dot, function_name = handler_name.rpartition(".")
    if not dot or not module_path:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{handler_name}': not enough values to unpack (expected 2, got 1)")

    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as error:
        raise InitError("Runtime.ImportModuleError", f"Unable to import module '{module_path}': {error}") from error
    except SyntaxError as error:
        stack = [f'  File "{error.filename}" Line {error.lineno}\n    {(error.text or "").strip()}\n']
        raise InitError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_path}': {error}", stack) from error

    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_path}'")
    return handler


def user_stack_trace(error):
    """Format the traceback of an error from the first frame outside this bootstrap and the import machinery."""
    frames = traceback.extract_tb(error.__traceback__)
    while frames and (frames[0].filename.startswith("<frozen ") or os.path.abspath(frames[0].filename) in RUNTIME_FILES):
        frames.pop(0)
    return traceback.format_list(frames)


def error_object(message, error_type, stack_trace, request_id):
    """Build the error object Lambda returns for a Python function: errorMessage, errorType, requestId, stackTrace."""
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack_trace}


def log_error(error):
    """Log an error as Lambda's Python runtime does: one log line, its parts separated by carriage returns."""
    lines = [f"[ERROR] {error['errorType']}: {error['errorMessage']}", "Traceback (most recent call last):"]
    for frame in error["stackTrace"]:
        lines.extend(frame.splitlines())
    sys.stdout.write("\r".join(lines) + "\n")


def to_json(value):
    """Serialize a handler's result; Decimal values, as DynamoDB returns numbers, become JSON numbers."""

    def decimal_to_number(item):
        if isinstance(item, decimal.Decimal):
            return int(item) if item == item.to_integral_value() else float(item)
        raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")

    return json.dumps(value, default=decimal_to_number)


def handle_invocation(client, handler, headers, body):
    """Run the handler for one invocation and post its result or its error."""
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    RequestIdFilter.request_id = request_id
    context = LambdaContext(request_id, int(headers["Lambda-Runtime-Deadline-Ms"]), headers["Lambda-Runtime-Invoked-Function-Arn"])

    try:
        event = json.loads(body)
    except ValueError as error:
        client.post_error(request_id, error_object(f"Unable to unmarshal input: {error}", "Runtime.UnmarshalError", [], request_id))
        return

    try:
        result = handler(event, context)
    except Exception as error:
        failure = error_object(str(error), type(error).__name__, user_stack_trace(error), request_id)
        log_error(failure)
        client.post_error(request_id, failure)
        return

    try:
        payload = to_json(result)
    except (TypeError, ValueError) as error:
        client.post_error(request_id, error_object(f"Unable to marshal response: {error}", "Runtime.MarshalError", [], request_id))
        return
    client.post_response(request_id, payload.encode())


def fail_init(client, error):
    """Report a handler that did not load, then exit, as the Runtime API expects after init/error."""
    log_error(error)
    client.post_init_error(error)
    sys.exit(1)


def main():
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # The task root replaces this script's folder at the head of the import path, so handler modules import as on Lambda.
    # The folder goes last instead, so that handlers can import strato_client.
    sys.path[0] = task_root
    sys.path.append(os.path.dirname(os.path.abspath(__file__)))
    configure_logging()

    try:
        handler = load_handler(os.environ["_HANDLER"])
    except InitError as error:
        fail_init(client, error_object(str(error), error.error_type, error.stack_trace, ""))
    except Exception as error:
        fail_init(client, error_object(str(error), type(error).__name__, user_stack_trace(error), ""))

    while True:
        headers, body = client.next_invocation()
        handle_invocation(client, handler, headers, body)


if __name__ == "__main__":
    main()
