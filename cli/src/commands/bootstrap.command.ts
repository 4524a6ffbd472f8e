import { Command, InvalidArgumentError, Option } from 'commander';
import { basicAuthSecret, Bootstrapper, sshSecret, type BootstrapPlan, type SourceSecretPlan } from '../bootstrap/bootstrapper';
import { BOOTSTRAP_NAME, repositoryPath } from '../bootstrap/bootstrap-manifests';
import type { GitAuth } from '../bootstrap/git-workspace';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { durationFlag, listFlag } from '../shared/flags';
import { GitLabClient, type GitLabProject } from '../shared/gitlab-client';
import { readKeyFile, scanKnownHosts } from '../shared/ssh-keys';
import { ferryVersion } from '../version';
import { COMPONENT_NAMES } from './install-manifests';


/** Flags every bootstrap subcommand shares, as `flux bootstrap` has them. */
interface CommonFlags {
  branch: string;
  path: string;
  interval: string;
  componentsExtra?: string[];
  registry: string;
  authorName: string;
  authorEmail: string;
  secretName: string;
  knownHostsFile?: string;
}

interface GitLabFlags extends CommonFlags {
  owner: string;
  repository: string;
  hostname: string;
  private: boolean;
  personal?: boolean;
  tokenAuth?: boolean;
  readWriteKey?: boolean;
  sshHostname?: string;
  insecureHttp?: boolean;
}

interface GitFlags extends CommonFlags {
  url: string;
  username?: string;
  password?: string;
  privateKeyFile?: string;
}

/** `ferry bootstrap gitlab|git`: commits Ferry's manifests to a repository and makes the cluster sync from it. */
export function bootstrapCommand(environment: CliEnvironment): Command {
  const bootstrap = new Command('bootstrap').description('Deploy Ferry on a cluster the GitOps way');
  bootstrap.addCommand(withCommonFlags(gitlabCommand(environment)));
  bootstrap.addCommand(withCommonFlags(gitCommand(environment)));
  return bootstrap;
}

function withCommonFlags(command: Command): Command {
  return command
    .option('--branch <branch>', 'Git branch', 'main')
    .option('--path <path>', 'path relative to the repository root, when specified the cluster sync will be scoped to this path', '')
    .addOption(new Option('--interval <duration>', 'sync interval').default('1m0s').argParser(durationFlag))
    .option('--components-extra <components>', 'list of components in addition to those supplied or defaulted, accepts values such as \'image-reflector-controller,image-automation-controller\'', listFlag)
    .option('--registry <registry>', 'container registry where the Ferry images are published', 'ghcr.io/ferry')
    .option('--author-name <name>', 'author name for Git commits', 'Flux')
    .option('--author-email <email>', 'author email for Git commits', 'flux@users.noreply.ferry.invalid')
    .option('--secret-name <name>', 'name of the secret the sync credentials can be found in or stored to', BOOTSTRAP_NAME)
    // Tests and air-gapped hosts give the SSH host keys instead of scanning them.
    .addOption(new Option('--known-hosts-file <file>', 'known_hosts content for the source secret (default: ssh-keyscan)').hideHelp());
}

function gitlabCommand(environment: CliEnvironment): Command {
  return new Command('gitlab')
    .description('Deploy Ferry on a cluster connected to a GitLab repository')
    .requiredOption('--owner <owner>', 'GitLab user or group name')
    .requiredOption('--repository <name>', 'GitLab repository name')
    .option('--hostname <host>', 'GitLab hostname (gitlab.cn for JiHu)', 'gitlab.com')
    .addOption(new Option('--private [bool]', 'if false, the repository is created public').default(true).argParser(booleanFlag('--private')))
    .option('--personal', 'if true, the owner is assumed to be a GitLab user; otherwise a group')
    .option('--token-auth', 'when enabled, the personal access token will be used instead of the SSH deploy key')
    .option('--read-write-key', 'if true, the deploy key is configured with read/write permissions')
    .option('--ssh-hostname <host>', 'SSH hostname, to be used when the SSH host differs from the HTTPS one')
    .addOption(new Option('--insecure-http', 'talk to GitLab over plain HTTP (loopback test servers)').hideHelp())
    .action(async (flags: GitLabFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      const token = environment.env['GITLAB_TOKEN'];
      if (!token) throw new Error('GITLAB_TOKEN environment variable not set: a GitLab personal access token with the api scope is required');
      checkComponents(flags);
      const path = repositoryPath(flags.path);
      const apiUrl = environment.env['GITLAB_API_URL'];
      const endpoint = apiUrl ? parseApiUrl(apiUrl) : undefined;
      const client = new GitLabClient({
        hostname: endpoint ? endpoint.host : flags.hostname,
        token,
        insecureHttp: endpoint ? endpoint.protocol === 'http:' : Boolean(flags.insecureHttp),
      });
      const bootstrapper = new Bootstrapper(ctx);
      await bootstrapper.checkCluster();

      ctx.print.action(`connecting to ${new URL(client.baseUrl).host}`);
      const user = await client.currentUser();
      const fullPath = `${flags.owner}/${flags.repository}`;
      let project = await client.project(fullPath);
      if (!project) {
        project = await createProject(client, flags, user.username);
        ctx.print.success(`repository "${project.web_url}" created`);
      }
      const found: GitLabProject = project;

      const sshHost = flags.sshHostname ?? new URL(client.baseUrl).hostname;
      const syncUrl = flags.tokenAuth ? found.http_url_to_repo : `ssh://git@${sshHost}/${found.path_with_namespace}`;
      let secret: SourceSecretPlan;
      if (flags.tokenAuth) {
        secret = basicAuthSecret('git', token);
      } else {
        const keys = sshSecret({ knownHosts: () => knownHosts(flags, sshHost) });
        const title = deployKeyTitle(ctx.namespace, flags.branch, flags.secretName, path);
        secret = {
          data: keys.data,
          afterSecret: async (data) => {
            const publicKey = data['identity.pub'] ?? '';
            const existing = (await client.deployKeys(found.id)).find((key) => key.title === title);
            if (existing && sameKey(existing.key, publicKey) && existing.can_push === Boolean(flags.readWriteKey)) {
              ctx.print.success(`deploy key "${title}" is up to date`);
              return;
            }
            if (existing) await client.deleteDeployKey(found.id, existing.id);
            await client.addDeployKey(found.id, { title, key: publicKey, canPush: Boolean(flags.readWriteKey) });
            ctx.print.success(`configured deploy key "${title}" for "${found.web_url}"`);
          },
        };
      }
      await bootstrapper.run(plan(ctx, flags, {
        cloneUrl: found.http_url_to_repo,
        gitAuth: { kind: 'basic', username: 'git', password: token },
        syncUrl,
        secret,
      }));
    });
}

function gitCommand(environment: CliEnvironment): Command {
  return new Command('git')
    .description('Deploy Ferry on a cluster connected to a Git repository')
    .requiredOption('--url <url>', 'Git repository URL')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password')
    .option('--private-key-file <file>', 'path to a private key file used for authenticating to the Git SSH server')
    .action(async (flags: GitFlags, command: Command) => {
      const ctx = CliContext.of(environment, command);
      checkComponents(flags);
      repositoryPath(flags.path);
      const url = parseGitUrl(flags.url);
      const bootstrapper = new Bootstrapper(ctx);
      await bootstrapper.checkCluster();
      let gitAuth: GitAuth = { kind: 'none' };
      let secret: SourceSecretPlan | undefined;
      if (url.protocol === 'ssh:') {
        const privateKey = flags.privateKeyFile ? readKeyFile(flags.privateKeyFile) : undefined;
        const host = url.port ? `[${url.hostname}]:${url.port}` : url.hostname;
        const known = () => knownHosts(flags, url.hostname, url.port);
        if (privateKey) gitAuth = { kind: 'ssh', privateKey, knownHosts: await known() };
        const keys = sshSecret({ knownHosts: known, ...(privateKey ? { privateKey } : {}) });
        secret = {
          data: keys.data,
          // A generic Git server has no API to register the key with: the user has to.
          afterSecret: async (_data, changed) => {
            if (changed && !privateKey) ctx.print.warning(`add the public key as a read-only deploy key of ${host}${url.pathname} so the cluster can fetch`);
          },
        };
      } else if (flags.username || flags.password) {
        if (!flags.username || !flags.password) throw new Error('--username and --password must be given together');
        gitAuth = { kind: 'basic', username: flags.username, password: flags.password };
        secret = basicAuthSecret(flags.username, flags.password);
      }
      await bootstrapper.run(plan(ctx, { ...flags, secretName: secret ? flags.secretName : '' }, {
        cloneUrl: flags.url,
        gitAuth,
        syncUrl: flags.url,
        secret: secret ?? { data: async () => ({}) },
      }));
    });
}

function plan(ctx: CliContext, flags: CommonFlags, repo: { cloneUrl: string; gitAuth: GitAuth; syncUrl: string; secret: SourceSecretPlan }): BootstrapPlan {
  return {
    cloneUrl: repo.cloneUrl,
    gitAuth: repo.gitAuth,
    author: { name: flags.authorName, email: flags.authorEmail },
    install: { namespace: ctx.namespace, version: ferryVersion(), registry: flags.registry, natsImage: 'nats:2.10-alpine' },
    sync: {
      namespace: ctx.namespace,
      url: repo.syncUrl,
      branch: flags.branch,
      path: flags.path,
      interval: flags.interval,
      secretName: flags.secretName,
    },
    secret: repo.secret,
  };
}

async function createProject(client: GitLabClient, flags: GitLabFlags, username: string): Promise<GitLabProject> {
  const visibility = flags.private ? 'private' : 'public';
  if (flags.personal) {
    if (flags.owner !== username) {
      throw new Error(`--owner "${flags.owner}" with --personal must be the token's user "${username}"`);
    }
    return client.createProject({ name: flags.repository, visibility });
  }
  const group = await client.group(flags.owner);
  if (!group) {
    throw new Error(`group "${flags.owner}" not found on ${client.baseUrl} (or the token cannot see it); use --personal if "${flags.owner}" is a user`);
  }
  return client.createProject({ name: flags.repository, namespaceId: group.id, visibility });
}

// Flux's deployKeyName: namespace, branch, secret name and path joined with dashes, empty parts skipped.
function deployKeyTitle(namespace: string, branch: string, secretName: string, path: string): string {
  return [namespace, branch, secretName, path].filter(Boolean).join('-');
}

function sameKey(a: string, b: string): boolean {
  return a.trim().split(/\s+/).slice(0, 2).join(' ') === b.trim().split(/\s+/).slice(0, 2).join(' ');
}

function checkComponents(flags: CommonFlags): void {
  const extra = flags.componentsExtra ?? [];
  if (extra.length) {
    throw new Error(`--components-extra: ${extra.join(', ')} not available in Ferry (its components are ${COMPONENT_NAMES.join(', ')})`);
  }
}

function knownHosts(flags: CommonFlags, hostAndPort: string, explicitPort = ''): Promise<string> {
  if (flags.knownHostsFile) return Promise.resolve(readKeyFile(flags.knownHostsFile, '--known-hosts-file'));
  // --ssh-hostname may carry a port (`host:2222`), as Flux accepts.
  const [host = hostAndPort, port = explicitPort] = explicitPort ? [hostAndPort, explicitPort] : hostAndPort.split(':');
  return scanKnownHosts(host, port);
}

function parseApiUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`GITLAB_API_URL "${value}" is not a URL: use http(s)://host[:port]`);
  }
}

function parseGitUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--url "${value}" is not a URL: use ssh://, http:// or https://`);
  }
  if (!['ssh:', 'http:', 'https:'].includes(url.protocol)) throw new Error(`--url "${value}": unsupported scheme ${url.protocol}, use ssh://, http:// or https://`);
  if (url.password) throw new Error('--url must not carry credentials: use --username/--password');
  return url;
}

function booleanFlag(flag: string): (value: string | boolean) => boolean {
  return (value) => {
    if (value === true || value === 'true') return true;
    if (value === 'false') return false;
    throw new InvalidArgumentError(`${flag}: expected true or false, got "${String(value)}"`);
  };
}
