import { ApiProperty } from '@nestjs/swagger';

export class WhoamiResponseDto {
  @ApiProperty({ enum: ['user', 'api_key'] })
  type!: 'user' | 'api_key';
  @ApiProperty({ required: false, description: '{ id, email, username } for a user' })
  user?: { id: string; email: string; username: string };
  @ApiProperty({ required: false, format: 'uuid' })
  sessionId?: string;
  @ApiProperty({ required: false, description: '{ id, name, prefix, scopes } for an API key' })
  apiKey?: { id: string; name: string; prefix: string; scopes: string[] };
  @ApiProperty({ required: false, description: '{ id, name, slug } for an API key' })
  organization?: { id: string; name: string; slug: string };
}

const text = { type: 'string' } as const;
const textOrNull = { type: ['string', 'null'] } as const;

/**
 * WhoamiResponseDto for Fastify's compiled serializer, quicker than JSON.stringify on an object
 * it has to inspect (whoami is the route other services' calls are measured by).
 */
export const WHOAMI_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: {
    type: text,
    user: { type: 'object', properties: { id: text, email: text, username: textOrNull } },
    sessionId: text,
    apiKey: {
      type: 'object',
      properties: { id: text, name: text, prefix: text, scopes: { type: 'array', items: text } },
    },
    organization: { type: 'object', properties: { id: text, name: text, slug: text } },
  },
} as const;
