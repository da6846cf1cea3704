import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context';
import { User } from '../user/user.type';
import type { AddressService } from './address.service';
import { Address, AddressInput, AddressKind, UpdateAddressInput } from './address.type';

@Resolver(() => User)
export class AddressResolver {
  constructor(private readonly addressService: AddressService) {}

  @FieldResolver(() => [Address], { description: 'The user’s addresses, default shipping first. Visible only to the user themselves and staff.' })
  addresses(@Root() user: User, @Ctx() context: UsersContext): Promise<Address[]> {
    return this.addressService.listOf(context, user.id);
  }

  @Authorized()
  @Mutation(() => Address, { description: 'Adds an address to the signed-in user’s address book (at most 20; CONFLICT beyond). The first one becomes the default for shipping and billing.' })
  addAddress(@Arg('input', () => AddressInput, { description: 'The address.' }) input: AddressInput, @Ctx() context: UsersContext): Promise<Address> {
    return this.addressService.add(context, input);
  }

  @Authorized()
  @Mutation(() => Address, { description: 'Changes one of the signed-in user’s addresses; NOT_FOUND for anyone else’s.' })
  updateAddress(
    @Arg('id', () => ID, { description: 'The address to change.' }) id: string,
    @Arg('input', () => UpdateAddressInput, { description: 'The changes.' }) input: UpdateAddressInput,
    @Ctx() context: UsersContext,
  ): Promise<Address> {
    return this.addressService.update(context, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes one of the signed-in user’s addresses; a default role passes to the oldest remaining address.' })
  deleteAddress(@Arg('id', () => ID, { description: 'The address to delete.' }) id: string, @Ctx() context: UsersContext): Promise<boolean> {
    return this.addressService.delete(context, id);
  }

  @Authorized()
  @Mutation(() => Address, { description: 'Makes one of the signed-in user’s addresses their default of the given kind, replacing the previous default.' })
  setDefaultAddress(
    @Arg('id', () => ID, { description: 'The address.' }) id: string,
    @Arg('kind', () => AddressKind, { description: 'Which default to set.' }) kind: AddressKind,
    @Ctx() context: UsersContext,
  ): Promise<Address> {
    return this.addressService.setDefault(context, id, kind);
  }
}
