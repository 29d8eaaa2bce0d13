/** The text of `strato --help`. */
export const HELP_TEXT = `Usage: strato <command> [options]

Build serverless applications as services, run them on one machine, deploy them to AWS.

Commands:
  dev [dir]                     Run the application in the local cloud, reload on changes.
      --port N                  Port of the HTTP API (default 3000; 0 picks a free port).
      --host H                  Address to listen on (default 127.0.0.1).
      --verbose | --quiet       Print every request, or only errors.
  invoke FUNCTION [dir]         Run one function once and print its result and logs.
      --event FILE              JSON file with the event (default: an empty object).
  synth [dir]                   Write the AWS CDK cloud assembly.
      --stage S  --region R  --output DIR
  diff | deploy | destroy [dir] Compare with, deploy to, or remove from AWS.
      --stage S  --region R  --service NAME  --shifting all-at-once|canary|linear
  rollback SERVICE [dir]        Move the service's functions back to their previous version.
      --stage S  --region R

Options:
  -h, --help                    Show this help.
  -v, --version                 Show the version of Strato.

The application folder [dir] defaults to the current folder and must contain strato.config.ts.`;
