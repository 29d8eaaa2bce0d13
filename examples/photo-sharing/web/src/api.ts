/**
 * The application's HTTP API as the page uses it. Requests that create data
 * carry the user's ID token, which the API's JWT authorizer checks.
 */
export type PhotoStatus = 'pending' | 'ready' | 'failed';

export interface ThumbnailView {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

export interface PhotoView {
  readonly id: string;
  readonly status: PhotoStatus;
  readonly createdAt: string;
  readonly filename?: string;
  readonly width?: number;
  readonly height?: number;
  readonly thumbnails?: Readonly<Record<'small' | 'large', ThumbnailView>>;
  readonly failureReason?: string;
}

export interface CreatedPhoto {
  readonly id: string;
  readonly uploadUrl: string;
  readonly uploadHeaders: Readonly<Record<string, string>>;
}

export interface FeedItem {
  readonly id: string;
  readonly owner?: string;
  readonly createdAt: string;
}

/** A photo's place in `GET /trending`, with its counts over all time. */
export interface TrendingItem {
  readonly photoId: string;
  readonly views: number;
  readonly likes: number;
}

/** A response with a status the page did not expect, with the API's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class Api {
  // Thumbnail URLs stay valid for an hour, so the feed and trending fetch each ready photo once per page load.
  readonly #readyPhotos = new Map<string, PhotoView>();

  constructor(
    private readonly baseUrl: string,
    /** Returns the current ID token, renewed if needed, or undefined when signed out. */
    private readonly token: () => Promise<string | undefined>,
  ) {}

  createPhoto(file: File): Promise<CreatedPhoto> {
    return this.request('POST', '/photos', { contentType: file.type, filename: file.name });
  }

  getPhoto(id: string): Promise<PhotoView> {
    return this.request('GET', `/photos/${encodeURIComponent(id)}`);
  }

  /** Returns a photo, from memory when it was seen ready before. */
  async photo(id: string): Promise<PhotoView> {
    const known = this.#readyPhotos.get(id);
    if (known) return known;
    const photo = await this.getPhoto(id);
    if (photo.status === 'ready') this.#readyPhotos.set(id, photo);
    return photo;
  }

  async listPhotos(): Promise<PhotoView[]> {
    return (await this.request<{ photos: PhotoView[] }>('GET', '/photos?limit=50')).photos;
  }

  async listFeed(): Promise<FeedItem[]> {
    return (await this.request<{ items: FeedItem[] }>('GET', '/feed?limit=24')).items;
  }

  async listTrending(): Promise<TrendingItem[]> {
    return (await this.request<{ items: TrendingItem[] }>('GET', '/trending?limit=6')).items;
  }

  /** Likes a photo as the signed-in user. The like is counted asynchronously, and a repeated like counts once. */
  async likePhoto(id: string): Promise<void> {
    await this.request('POST', `/photos/${encodeURIComponent(id)}/likes`);
  }

  async viewPhoto(id: string): Promise<void> {
    await this.request('POST', `/photos/${encodeURIComponent(id)}/views`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = await this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${method} ${path} failed with HTTP ${response.status}: ${messageOf(text)}`);
    return JSON.parse(text) as T;
  }
}

/**
 * Sends a file to its presigned URL. XMLHttpRequest, unlike fetch, reports
 * upload progress, which the page shows as a progress bar.
 */
export function uploadFile(created: CreatedPhoto, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', created.uploadUrl);
    // The content type is part of the signature, so the upload sends the header the API named.
    for (const [name, value] of Object.entries(created.uploadHeaders)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(request.status, `The upload failed with HTTP ${request.status}: ${messageOf(request.responseText)}`));
      }
    };
    request.onerror = () => reject(new Error('The upload could not reach the server. Check the connection and try again.'));
    request.send(file);
  });
}

/** Takes the message of a JSON error body (`{ message }`) or S3's XML error, else the text itself. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (parsed.message) return parsed.message;
  } catch {
    const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(text);
    if (xmlMessage) return xmlMessage[1]!;
  }
  return text.slice(0, 200) || 'no details';
}
