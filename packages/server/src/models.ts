import type { Connection } from 'mongoose';
import { createApiKeyModel, type ApiKeyModel } from './api-keys/api-key-model.js';
import { createRefreshFamilyModel, type RefreshFamilyModel } from './auth/refresh-family-model.js';
import { createOrgModel, type OrgModel } from './orgs/org-model.js';
import { createUserModel, type UserModel } from './users/user-model.js';

export interface AccountModels {
  Org: OrgModel;
  User: UserModel;
  RefreshFamily: RefreshFamilyModel;
  ApiKey: ApiKeyModel;
}

/** The account models on one connection; `init()` waits for their indexes. */
export async function createAccountModels(db: Connection): Promise<AccountModels> {
  const models: AccountModels = {
    Org: createOrgModel(db),
    User: createUserModel(db),
    RefreshFamily: createRefreshFamilyModel(db),
    ApiKey: createApiKeyModel(db),
  };
  await Promise.all(Object.values(models).map((m: { init(): Promise<unknown> }) => m.init()));
  return models;
}
