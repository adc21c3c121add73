/** One certificate as stored: PEM chain and key, with the domain it was ordered for. */
export interface StoredCertificate {
  domain: { main: string; sans: string[] };
  /** PEM chain (leaf first). */
  certificate: string;
  /** PEM private key. */
  key: string;
}

/** An ACME account as stored. */
export interface StoredAccount {
  email: string;
  /** The account URL the CA returned (the key ID of later requests). */
  url: string;
  /** PEM private key of the account. */
  privateKey: string;
  caServer: string;
}

/** What a storage holds for one resolver. */
export interface ResolverData {
  account?: StoredAccount;
  certificates: StoredCertificate[];
}

/** Releases a lock taken with `StorageBackend.lock`. */
export type Unlock = () => Promise<void>;

/**
 * Where ACME resolvers keep accounts and certificates. Implementations must make `update` atomic
 * against other processes sharing the backend, and `lock` exclusive across them, so replicas that
 * share a backend order a certificate once (Traefik cannot: #2542).
 */
export interface StorageBackend {
  /** Reads a resolver's data (empty when none). */
  read(resolver: string): Promise<ResolverData>;
  /** Read-modify-write of a resolver's data, atomic against other writers. */
  update(resolver: string, change: (data: ResolverData) => ResolverData): Promise<ResolverData>;
  /** Takes an exclusive lock by name, waiting while another holder has it. */
  lock(name: string, signal?: AbortSignal): Promise<Unlock>;
  /** Calls `listener` when another process may have changed the data; returns an unsubscribe function. */
  watch?(listener: () => void): () => void;
  close?(): Promise<void>;
}
