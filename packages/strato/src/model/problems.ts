/** A problem found in the application config: where it is, what is wrong, and how to fix it. */
export interface ModelProblem {
  /** Dotted place in the config, such as `services.photos.functions.create.handler`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Thrown when the config has problems; lists all of them at once. */
export class ModelError extends Error {
  readonly problems: readonly ModelProblem[];

  constructor(problems: readonly ModelProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message} ${p.fix}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`The application config has ${count}:\n${lines.join('\n')}`);
    this.name = 'ModelError';
    this.problems = problems;
  }
}
