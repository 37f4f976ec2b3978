// Types of the mags Node SDK. Answers the server sends as they are keep its snake_case fields.

declare namespace Mags {
  interface MagsOptions {
    /** Defaults to $MAGS_API_TOKEN. */
    apiToken?: string;
    /** Defaults to $MAGS_API_URL, then http://127.0.0.1:8080. */
    apiUrl?: string;
    /** Bound of each HTTP request, ms (default 30000). */
    timeout?: number;
  }

  interface RunOptions {
    name?: string;
    workspaceId?: string;
    baseWorkspaceId?: string;
    persistent?: boolean;
    noSleep?: boolean;
    noSync?: boolean;
    ephemeral?: boolean;
    startupCommand?: string;
    environment?: Record<string, string>;
    fileIds?: string[];
    diskGb?: number;
  }

  interface RunAndWaitOptions extends RunOptions {
    /** ms, default 60000 */
    timeout?: number;
    /** ms, default 1000 */
    pollInterval?: number;
  }

  interface NewOptions {
    persistent?: boolean;
    baseWorkspaceId?: string;
    diskGb?: number;
    /** ms, default 30000 */
    timeout?: number;
    pollInterval?: number;
  }

  type JobStatus = 'pending' | 'running' | 'sleeping' | 'completed' | 'error';

  interface Job {
    request_id: string;
    name: string | null;
    status: JobStatus;
    script: string;
    type: string;
    image?: string;
    exit_code: number | null;
    error_message: string | null;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
    workspace_id?: string;
  }

  interface LogEntry {
    seq: number;
    timestamp: string;
    source: 'stdout' | 'stderr' | 'system';
    message: string;
  }

  interface JobLogs {
    request_id: string;
    status: JobStatus;
    logs: LogEntry[];
  }

  interface JobPage {
    jobs: Job[];
    page: number;
    page_size: number;
    total: number;
  }

  interface Accepted {
    requestId: string;
    status: string;
  }

  interface RunResult {
    requestId: string;
    status: JobStatus;
    exitCode: number | null;
    errorMessage: string | null;
    logs: LogEntry[];
  }

  interface ExecResult {
    exitCode: number;
    output: string;
    stderr: string;
  }

  interface Access {
    success?: boolean;
    sshHost?: string;
    sshPort?: number;
    sshUser?: string;
    /** For a port other than 22: the public URL that serves it, the port and the URL's first label. */
    url?: string;
    port?: number;
    subdomain?: string;
    [key: string]: unknown;
  }

  interface UrlAlias {
    subdomain: string;
    workspace_id: string;
    url: string;
    created_at: string;
  }

  interface Workspace {
    workspace_id: string;
    persistent: boolean;
    created_at: string;
    last_used_at: string;
    disk_bytes: number | null;
    live: boolean;
    [key: string]: unknown;
  }

  interface CronOptions {
    name: string;
    cronExpression: string;
    script: string;
    workspaceId?: string;
    environment?: Record<string, string>;
    persistent?: boolean;
  }

  class MagsError extends Error {
    /** The server's error code, or connection_failed, missing_token, timeout, invalid_response, ssh_failed. */
    code: string;
    /** The HTTP status, or null when no answer came. */
    status: number | null;
    url: string | null;
  }
}

declare class Mags {
  constructor(options?: Mags.MagsOptions);
  readonly apiUrl: string;
  run(script: string, options?: Mags.RunOptions): Promise<Mags.Accepted>;
  runAndWait(script: string, options?: Mags.RunAndWaitOptions): Promise<Mags.RunResult>;
  new(name: string, options?: Mags.NewOptions): Promise<Mags.Accepted>;
  exec(nameOrId: string, command: string, options?: { timeout?: number }): Promise<Mags.ExecResult>;
  status(requestId: string): Promise<Mags.Job>;
  logs(requestId: string): Promise<Mags.JobLogs>;
  list(options?: { page?: number; pageSize?: number }): Promise<Mags.JobPage>;
  findJob(nameOrId: string): Promise<Mags.Job | null>;
  updateJob(requestId: string, options: { startupCommand?: string; noSleep?: boolean }): Promise<Record<string, unknown>>;
  stop(nameOrId: string): Promise<Mags.Job>;
  sync(requestId: string): Promise<Record<string, unknown>>;
  resize(workspace: string, diskGb: number, options?: { timeout?: number; pollInterval?: number }): Promise<Mags.Accepted>;
  usage(options?: { windowDays?: number }): Promise<Record<string, unknown>>;
  enableAccess(requestId: string, port?: number): Promise<Mags.Access>;
  url(nameOrId: string, port?: number): Promise<Mags.Access>;
  urlAliasCreate(subdomain: string, workspaceId: string, domain?: string): Promise<Mags.UrlAlias>;
  urlAliasList(): Promise<{ aliases: Mags.UrlAlias[] }>;
  urlAliasDelete(subdomain: string): Promise<{ subdomain: string; deleted: boolean }>;
  listWorkspaces(): Promise<{ workspaces: Mags.Workspace[] }>;
  deleteWorkspace(workspaceId: string): Promise<{ workspace_id: string; deleted: boolean }>;
  uploadFile(path: string): Promise<string>;
  uploadFiles(paths: string[]): Promise<string[]>;
  cronCreate(options: Mags.CronOptions): Promise<Record<string, unknown>>;
  cronList(): Promise<Record<string, unknown>>;
  cronGet(id: string): Promise<Record<string, unknown>>;
  cronUpdate(id: string, updates: Partial<Mags.CronOptions> & { enabled?: boolean }): Promise<Record<string, unknown>>;
  cronDelete(id: string): Promise<Record<string, unknown>>;
}

export = Mags;
