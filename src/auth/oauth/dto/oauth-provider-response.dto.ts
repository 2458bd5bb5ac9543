export class OAuthProviderResponseDto {
  /** What goes into /oauth/:provider/start. */
  id!: string;
  name!: string;
}

export class OAuthProviderListResponseDto {
  items!: OAuthProviderResponseDto[];
}
